using MemTrack.Internal;
using MemTrack.Internal.Analysis;

namespace MemTrack;

/// <summary>
/// Measures the bytes allocated between <see cref="Begin()"/> and <see cref="Dispose"/>, exactly; and, when
/// <see cref="MemTracker"/> is tracing throughout, where they were allocated (<see cref="Snapshot"/>).
/// </summary>
/// <example>
/// <code>
/// using (var scope = AllocationScope.Begin())
/// {
///     parser.Parse(input);
/// }
/// Console.WriteLine(scope.AllocatedBytes);
/// </code>
/// </example>
public sealed class AllocationScope : IDisposable
{
    private readonly int _threadId;
    private readonly long _startBytes;
    private readonly Tracer? _tracer;
    private readonly Snapshot? _startSnapshot;
    private long _endBytes = -1;
    private bool _endedOnOtherThread;

    private AllocationScope(AllocationScopeKind kind)
    {
        Kind = kind;
        _threadId = Environment.CurrentManagedThreadId;

        // The start snapshot is taken before the counter is read, so its own allocations are not counted.
        _tracer = MemTracker.Current;
        _startSnapshot = TrySnapshot(_tracer);
        _startBytes = Read(kind);
    }

    /// <summary>What the scope counts.</summary>
    public AllocationScopeKind Kind { get; }

    /// <summary>
    /// Exact bytes allocated since <see cref="Begin()"/>: up to now while the scope is open, up to <see cref="Dispose"/> after.
    /// </summary>
    /// <exception cref="InvalidOperationException">A <see cref="AllocationScopeKind.CurrentThread"/> scope is read, or was ended, on another thread than the one that began it.</exception>
    public long AllocatedBytes
    {
        get
        {
            if (_endBytes >= 0)
            {
                return _endedOnOtherThread ? throw WrongThread() : _endBytes - _startBytes;
            }

            if (OnOtherThread)
            {
                throw WrongThread();
            }

            return Read(Kind) - _startBytes;
        }
    }

    /// <summary>
    /// After <see cref="Dispose"/>: the allocation sites sampled between begin and end, all threads included (one
    /// <see cref="Trace"/> per site, allocation statistics only, estimated). Null while the scope is open, or when
    /// <see cref="MemTracker"/> was not tracing for the whole scope. Sampling sees about one allocation per 100 KiB,
    /// so a scope that allocates little may have no traces.
    /// </summary>
    public Snapshot? Snapshot { get; private set; }

    /// <summary>Whether this is a <see cref="AllocationScopeKind.CurrentThread"/> scope used on another thread than the one that began it.</summary>
    private bool OnOtherThread => Kind == AllocationScopeKind.CurrentThread && Environment.CurrentManagedThreadId != _threadId;

    /// <summary>Begins a scope that counts the current thread's allocations.</summary>
    /// <returns>The open scope; dispose it on the same thread.</returns>
    public static AllocationScope Begin() => new(AllocationScopeKind.CurrentThread);

    /// <summary>Begins a scope that counts as <paramref name="kind"/> says.</summary>
    /// <param name="kind">The current thread (exact, undisturbed) or the whole process (for async code).</param>
    /// <returns>The open scope.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    public static AllocationScope Begin(AllocationScopeKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown allocation scope kind.");
        }

        return new AllocationScope(kind);
    }

    /// <summary>Ends the scope: freezes <see cref="AllocatedBytes"/> and builds <see cref="Snapshot"/>. Later calls do nothing.</summary>
    public void Dispose()
    {
        if (_endBytes >= 0)
        {
            return;
        }

        _endedOnOtherThread = OnOtherThread;
        _endBytes = Read(Kind);
        if (_startSnapshot is not null && ReferenceEquals(MemTracker.Current, _tracer) && TrySnapshot(_tracer) is Snapshot end)
        {
            Snapshot = SnapshotDifference.AllocatedBetween(_startSnapshot, end);
        }
    }

    /// <summary>The scope's figure, for diagnostics.</summary>
    public override string ToString() => _endedOnOtherThread || (_endBytes < 0 && OnOtherThread)
        ? FormattableString.Invariant($"AllocationScope ({Kind}) of thread {_threadId}: not readable on thread {Environment.CurrentManagedThreadId}")
        : FormattableString.Invariant($"AllocationScope ({Kind}): {AllocatedBytes} bytes");

    /// <summary>The exact counter a scope of <paramref name="kind"/> reads.</summary>
    internal static long Read(AllocationScopeKind kind) =>
        kind == AllocationScopeKind.CurrentThread ? GC.GetAllocatedBytesForCurrentThread() : GC.GetTotalAllocatedBytes(precise: true);

    /// <summary>A snapshot of the running tracer, or null: the measurement stands without one (the tracer may stop or fail meanwhile).</summary>
    private static Snapshot? TrySnapshot(Tracer? tracer)
    {
        if (tracer is null)
        {
            return null;
        }

        try
        {
            return tracer.TakeSnapshot(collect: false);
        }
        catch (Exception ex) when (ex is MemTrackException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
    }

    private InvalidOperationException WrongThread() => new(
        $"This allocation scope counts thread {_threadId}'s allocations and cannot be read or ended on thread {Environment.CurrentManagedThreadId}; "
        + "for async code that resumes on other threads, begin it with AllocationScope.Begin(AllocationScopeKind.Process).");
}
