namespace MemTrack.Tests.Internal.Heap.Graph.Samples;

/// <summary>A type with a nested type, for the type-name spelling tests.</summary>
internal static class Outer
{
    internal sealed class Inner;
}
