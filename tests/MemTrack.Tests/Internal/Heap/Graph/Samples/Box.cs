namespace MemTrack.Tests.Internal.Heap.Graph.Samples;

/// <summary>A generic type, for the type-name spelling tests.</summary>
internal sealed class Box<T>
{
    public T? Value { get; set; }
}
