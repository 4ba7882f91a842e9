namespace MemTrack.Internal.Analysis;

/// <summary>The facts a snapshot carries besides its traces.</summary>
/// <param name="TracebackLimit">Frames kept per traceback.</param>
/// <param name="TakenAt">When the snapshot was taken.</param>
/// <param name="ExactAllocatedBytes">Exact process-wide bytes allocated since tracing (re)started.</param>
/// <param name="LostEvents">Events dropped before the snapshot.</param>
/// <param name="TracingEpoch">
/// Identifies one uninterrupted tracing period (a Start, or a ClearTraces). Two snapshots of the same epoch hold
/// cumulative counts of the same samples, so the variance of their difference is the difference of their variances.
/// </param>
/// <param name="HasLiveData">Whether sampled objects were tracked until they died (live statistics exist).</param>
/// <param name="IsDegraded">Whether it was taken in degraded mode, without a session: exact totals only, no traces.</param>
/// <param name="InliningReported">
/// Whether the traced process ran with the runtime's rich debug info (<c>DOTNET_RichDebugInfo=1</c>), so methods the
/// JIT inlined have frames of their own; otherwise they are folded into their callers' frames.
/// </param>
internal sealed record SnapshotInfo(
    int TracebackLimit, DateTimeOffset TakenAt, long ExactAllocatedBytes, long LostEvents, Guid TracingEpoch, bool HasLiveData, bool IsDegraded = false, bool InliningReported = false);
