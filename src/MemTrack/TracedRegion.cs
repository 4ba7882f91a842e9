namespace MemTrack;

/// <summary>
/// A block of code traced by <see cref="MemTracker"/>, for tests: <see cref="MemTracker.Trace(int)"/> starts the
/// tracer when it is off and takes a snapshot; <see cref="CompareToStart"/> shows what each site allocated or kept
/// alive since; <see cref="Dispose"/> stops the tracer again if the region started it.
/// </summary>
/// <example>
/// <code>
/// using var trace = MemTracker.Trace(depth: 10);
/// service.HandleRequests(1000);
/// StatisticDiff top = trace.CompareToStart(KeyType.LineNo, kind: MemoryKind.Allocated)[0];
/// Assert.True(top.SizeDiff &lt; 1 &lt;&lt; 20, top.ToString());
/// </code>
/// </example>
public sealed class TracedRegion : IDisposable
{
    private bool _disposed;

    internal TracedRegion(MemTrackerOptions options)
    {
        if (!MemTracker.IsTracing)
        {
            MemTracker.Start(options);
            StartedTracer = true;
        }

        try
        {
            Start = MemTracker.TakeSnapshot();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The snapshot taken when the region began.</summary>
    public Snapshot Start { get; }

    /// <summary>
    /// Whether the region started the tracer (and will stop it). False when it was already tracing: the region then
    /// uses the running tracer with its options.
    /// </summary>
    public bool StartedTracer { get; }

    /// <summary>A snapshot of now (see <see cref="MemTracker.TakeSnapshot(bool)"/>).</summary>
    /// <param name="collect">Whether to collect garbage first, so that live statistics count only what is still referenced. Default false.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="ObjectDisposedException">The region has ended.</exception>
    /// <exception cref="InvalidOperationException">The tracer was stopped meanwhile.</exception>
    public Snapshot TakeSnapshot(bool collect = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return MemTracker.TakeSnapshot(collect);
    }

    /// <summary>
    /// What changed since the region began, grouped by <paramref name="keyType"/> (see <see cref="Snapshot.CompareTo"/>):
    /// with <see cref="MemoryKind.Allocated"/>, what each site allocated inside the region; with
    /// <see cref="MemoryKind.Live"/> (the default), how much more each site holds alive, after a full collection.
    /// </summary>
    /// <param name="keyType">What to group by.</param>
    /// <param name="cumulative">See <see cref="Snapshot.Statistics"/>. Default false.</param>
    /// <param name="kind">Live (default) or allocated memory.</param>
    /// <returns>The differences, largest first.</returns>
    /// <exception cref="ObjectDisposedException">The region has ended.</exception>
    /// <exception cref="InvalidOperationException">The tracer was stopped meanwhile, or runs without live tracking and <paramref name="kind"/> is Live.</exception>
    public IReadOnlyList<StatisticDiff> CompareToStart(KeyType keyType, bool cumulative = false, MemoryKind kind = MemoryKind.Live) =>
        TakeSnapshot(collect: kind == MemoryKind.Live).CompareTo(Start, keyType, cumulative, kind);

    /// <summary>Ends the region; stops the tracer if the region started it. Later calls do nothing.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (StartedTracer)
        {
            MemTracker.Stop();
        }
    }
}
