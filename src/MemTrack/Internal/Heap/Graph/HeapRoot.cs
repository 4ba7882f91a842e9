namespace MemTrack.Internal.Heap.Graph;

/// <summary>One GC root of a heap graph: the object it holds, its kind and its name.</summary>
internal readonly record struct HeapRoot(int Node, RootKind Kind, string Name);
