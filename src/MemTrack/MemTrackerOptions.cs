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

    /// <summary>
    /// Default false: when the tracing session cannot be opened (diagnostics disabled with <c>DOTNET_EnableDiagnostics=0</c>,
    /// no writable temporary directory for the runtime's IPC socket, the runtime refusing the session),
    /// <see cref="MemTracker.Start(MemTrackerOptions)"/> throws <see cref="DiagnosticsUnavailableException"/> or
    /// <see cref="MemTrackException"/>. True makes it start in degraded mode instead: <see cref="MemTracker.Health"/>
    /// says <see cref="TracerState.Degraded"/> and why, and snapshots hold only the exact allocated total
    /// (<see cref="Snapshot.ExactAllocatedBytes"/>), no traces, and say so (<see cref="Snapshot.IsDegraded"/>).
    /// </summary>
    public bool AllowDegradedMode { get; init; }

    /// <summary>
    /// The tracing session's circular buffer in MB (default 256). Events that do not fit while the reader is behind are
    /// dropped by the runtime and counted as lost. Internal: tests shrink it to make the runtime drop events.
    /// </summary>
    internal int SessionBufferMB { get; init; } = DefaultSessionBufferMB;

    /// <summary>Default of <see cref="SessionBufferMB"/>.</summary>
    internal const int DefaultSessionBufferMB = 256;

    /// <summary>Checks the values and throws <see cref="ArgumentOutOfRangeException"/> naming the bad one.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Depth, MinDepth, nameof(Depth));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Depth, MaxDepth, nameof(Depth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSites, 1, nameof(MaxSites));
        ArgumentOutOfRangeException.ThrowIfLessThan(SessionBufferMB, 1, nameof(SessionBufferMB));
        ExitReport?.Validate();
    }
}
