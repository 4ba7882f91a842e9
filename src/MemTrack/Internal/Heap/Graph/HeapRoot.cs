namespace MemTrack.Internal.Heap.Graph;

/// <summary>One GC root of a heap graph: the object it holds, its kind and its name.</summary>
/// <param name="Node">The object it holds.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Name">Its name.</param>
/// <param name="IsOwn">A static field that MemTrack (or a library it runs on) declares: what it holds is MemTrack's own.</param>
internal readonly record struct HeapRoot(int Node, RootKind Kind, string Name, bool IsOwn = false)
{
    /// <summary>The root as reports show it: <c>name [kind]</c>.</summary>
    public string Label => $"{Name} [{Kind}]";
}
