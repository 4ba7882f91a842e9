namespace MemTrack;

/// <summary>
/// A report of the top allocation sites written when the process exits (normally, through
/// <see cref="Environment.Exit(int)"/>, or after an unhandled exception), as <see cref="MemTrackerOptions.ExitReport"/>
/// asks. It lists the top lines by live and by allocated memory with their biggest traceback, the exact and estimated
/// totals, the tracer's own memory and any lost events. The work is bounded by <see cref="Timeout"/>, so it never holds up the exit.
/// </summary>
public sealed record ExitReportOptions
{
    /// <summary>Default of <see cref="Top"/>.</summary>
    internal const int DefaultTop = 10;

    /// <summary>Largest allowed <see cref="Top"/>.</summary>
    internal const int MaxTop = 1_000;

    /// <summary>Default of <see cref="TracebackFrames"/>.</summary>
    internal const int DefaultTracebackFrames = 5;

    /// <summary>Most lines listed per view. Default 10; allowed 1 to 1,000.</summary>
    public int Top { get; init; } = DefaultTop;

    /// <summary>Frames printed under each line (its biggest traceback, innermost first). Default 5; 0 prints none; at most 100.</summary>
    public int TracebackFrames { get; init; } = DefaultTracebackFrames;

    /// <summary>
    /// File the report is written to (replaced, readable only by the current user). Default null: <see cref="Writer"/>,
    /// or the standard error stream when that is null too.
    /// </summary>
    public string? Path { get; init; }

    /// <summary>
    /// Writer the report goes to when <see cref="Path"/> is null. Default null: the standard error stream. Options
    /// compare it by reference: the same writer is the same destination, another one is another (so
    /// <see cref="MemTracker.Start(MemTrackerOptions)"/> with an equal-looking report to another writer is other options).
    /// </summary>
    public TextWriter? Writer { get; init; }

    /// <summary>
    /// File the exit snapshot is also dumped to (<see cref="Snapshot.Dump"/>), for <c>memtrack top</c> or
    /// <see cref="Snapshot.Load"/> later. Default null: no file.
    /// </summary>
    public string? SnapshotPath { get; init; }

    /// <summary>Longest the report may hold up the exit. Default 2 s; allowed 100 ms to 1 minute. Past it the exit goes on and a line on standard error says the report was cut short.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Checks the values and throws <see cref="ArgumentOutOfRangeException"/> naming the bad one.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Top, 1, nameof(Top));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Top, MaxTop, nameof(Top));
        ArgumentOutOfRangeException.ThrowIfNegative(TracebackFrames, nameof(TracebackFrames));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TracebackFrames, MemTrackerOptions.MaxDepth, nameof(TracebackFrames));
        ArgumentOutOfRangeException.ThrowIfLessThan(Timeout, TimeSpan.FromMilliseconds(100), nameof(Timeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Timeout, TimeSpan.FromMinutes(1), nameof(Timeout));
        if (Path is { Length: 0 })
        {
            throw new ArgumentException("The report path is empty; use null for the writer or standard error.", nameof(Path));
        }

        if (SnapshotPath is { Length: 0 })
        {
            throw new ArgumentException("The snapshot path is empty; use null for no snapshot file.", nameof(SnapshotPath));
        }
    }
}
