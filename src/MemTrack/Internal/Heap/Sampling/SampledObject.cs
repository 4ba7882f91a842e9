namespace MemTrack.Internal.Heap.Sampling;

/// <summary>One live sampled object of the tracer: where it is now, its size and where it was allocated.</summary>
internal readonly record struct SampledObject(ulong Address, long Size, Traceback Traceback);
