namespace MemTrack;

/// <summary>Settings for <see cref="MemTracker.Start(MemTrackerOptions)"/>. Two options objects with equal values are equal.</summary>
public sealed record MemTrackerOptions
{
    /// <summary>Smallest allowed <see cref="Depth"/>.</summary>
    public const int MinDepth = 1;

    /// <summary>Largest allowed <see cref="Depth"/>.</summary>
    public const int MaxDepth = 100;

    /// <summary>
    /// Frames kept per traceback (tracemalloc's <c>nframe</c>). Default 1; allowed 1 to 100. With
    /// <see cref="HideFrameworkFrames"/>, hidden frames do not count.
    /// </summary>
    public int Depth { get; init; } = 1;

    /// <summary>
    /// Default true: frames of framework assemblies (System.*, Microsoft.*, the runtime) are dropped from the top of
    /// each stack, so an allocation inside <c>List&lt;T&gt;.Add</c> is charged to the line that called <c>Add</c>.
    /// Stacks made only of framework frames keep them.
    /// </summary>
    public bool HideFrameworkFrames { get; init; } = true;

    /// <summary>
    /// Maximum distinct allocation sites kept. Default 50,000; at least 1. Samples of further sites are added to one
    /// <c>&lt;other sites&gt;</c> trace, so no byte is lost, only its attribution.
    /// </summary>
    public int MaxSites { get; init; } = 50_000;

    /// <summary>
    /// Default true: each sampled object is tracked until the garbage collector frees it, from the runtime's GC
    /// survival and movement events, so snapshots hold live memory (<see cref="MemoryKind.Live"/>, the default kind)
    /// and <see cref="MemTracker.GetTracedMemory"/> works. It lengthens GC pauses somewhat (docs/performance.md).
    /// False traces allocations only; asking for live memory then throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public bool TrackLiveObjects { get; init; } = true;

    /// <summary>
    /// A report of the top allocation sites to write when the process exits (the shutdown report). Default null: none.
    /// It is written only if tracing is still on at exit: <see cref="MemTracker.Stop"/> before the exit cancels it.
    /// </summary>
    public ExitReportOptions? ExitReport { get; init; }

    /// <summary>Checks the values and throws <see cref="ArgumentOutOfRangeException"/> naming the bad one.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Depth, MinDepth, nameof(Depth));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Depth, MaxDepth, nameof(Depth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSites, 1, nameof(MaxSites));
        ExitReport?.Validate();
    }
}
