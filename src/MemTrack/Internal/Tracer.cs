using System.Globalization;
using MemTrack.Internal.Analysis;
using MemTrack.Internal.Decoding;
using MemTrack.Internal.Heap.Sampling;
using MemTrack.Internal.Liveness;
using MemTrack.Internal.Reporting;
using MemTrack.Internal.Session;
using MemTrack.Internal.Sites;
using MemTrack.Internal.Snapshots;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace MemTrack.Internal;

/// <summary>
/// One tracing run: the pipeline session -> decoder -> site table -> snapshot, wired together, with the liveness
/// tracker beside the decoder (GC events -> tracked objects -> live statistics of the sites). Decoder state is only
/// touched on the session's reader thread; public operations reach it through barriers.
/// </summary>
internal sealed class Tracer : IDisposable
{
    /// <summary>TraceLog call-stack entries kept before its live tables are trimmed (microsoft/perfview#2451).</summary>
    internal const int DefaultTrimThreshold = 200_000;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly FrameResolver _frames = new();
    private readonly StackTable _stacks = new();
    private readonly SiteTable _sites;
    private readonly TrackedObjectTable? _liveObjects;
    private readonly GcLivenessTracker? _liveness;
    private readonly AllocationDecoder _decoder;
    private readonly SnapshotBuilder _builder;
    private readonly int _trimThreshold;
    private readonly TracingSession _session;
    private long _startAllocatedBytes;
    private Guid _epoch = Guid.NewGuid();
    private readonly long _createdAllocatedBytes = GC.GetTotalAllocatedBytes(precise: false);
    private long _tracerMemory;
    private long _samples;
    private long _lastMemoryUpdate;
    private TraceLog? _log;

    public Tracer(MemTrackerOptions options, int trimThreshold = DefaultTrimThreshold)
    {
        Options = options;
        _trimThreshold = trimThreshold;
        _sites = new SiteTable(options.MaxSites);
        if (options.TrackLiveObjects)
        {
            _liveObjects = new TrackedObjectTable(_sites);
            _liveness = new GcLivenessTracker(_liveObjects);
        }

        _decoder = new AllocationDecoder(_frames, _sites, _stacks, _liveObjects, options.Depth, options.HideFrameworkFrames);
        _builder = new SnapshotBuilder(_frames, _stacks, _sites, _decoder);
        _session = TracingSession.Start(_frames, SessionProviders.Tracing(options.TrackLiveObjects), Subscribe);

        // Tracing starts when Start returns, as in tracemalloc: samples of the tracer's own start-up work (the
        // rundown, the runtime enabling the session's providers) happened before this marker and are dropped.
        _session.PostToReader(_decoder.ClearSites);
        _startAllocatedBytes = GC.GetTotalAllocatedBytes(precise: true);
    }

    public MemTrackerOptions Options { get; }

    /// <summary>Exact bytes allocated by the process since Start or the last ClearTraces.</summary>
    public long AllocatedBytes => GC.GetTotalAllocatedBytes(precise: true) - Interlocked.Read(ref _startAllocatedBytes);

    /// <summary>Times the TraceLog tables were trimmed.</summary>
    public int Trims { get; private set; }

    /// <summary>Samples of the tracer's own reader thread (excluded from user statistics).</summary>
    public long OwnSamples => _decoder.OwnSamples;

    public long TracerMemory => Interlocked.Read(ref _tracerMemory);

    /// <summary>
    /// Bytes allocated by the process since this tracer started (not restarted by ClearTraces), without the precise
    /// count's pause of every thread (metrics read it every second): it lags by at most the threads' unused allocation contexts.
    /// </summary>
    public long AllocatedSinceStart => Math.Max(0, GC.GetTotalAllocatedBytes(precise: false) - _createdAllocatedBytes);

    /// <summary>Allocation samples received, the tracer's own included.</summary>
    public long Samples => Volatile.Read(ref _samples);

    /// <summary>Events dropped so far.</summary>
    public long LostEvents => _session.LostEvents;

    /// <summary>Estimated live bytes of traced objects, as last updated by the reader (no barrier).</summary>
    public long LiveBytes => _sites.LiveBytes;

    /// <summary>Tracked objects and GCs seen, for tests and diagnostics (read on the reader thread).</summary>
    internal TrackedObjectTable? LiveObjects => _liveObjects;

    internal GcLivenessTracker? Liveness => _liveness;

    /// <summary>GCAllocationTick events received (the GC keyword at Verbose could bring them; .NET 10 sends none while AllocationSampling is on).</summary>
    internal long AllocationTicks { get; private set; }

    public Snapshot TakeSnapshot(bool collect)
    {
        if (collect)
        {
            GarbageCollection.Full();
        }

        return TakeReportSnapshot(RequestTimeout).Snapshot;
    }

    /// <summary>A snapshot and, read at the same barrier, the tracer's own facts (for reports).</summary>
    public (Snapshot Snapshot, TracerFacts Facts) TakeReportSnapshot(TimeSpan timeout)
    {
        long exact = AllocatedBytes;
        var takenAt = DateTimeOffset.Now;
        return _session.RunOnReader(() => BuildReportSnapshot(exact, takenAt), timeout);
    }

    /// <summary>
    /// The last snapshot, at process exit. The runtime ends EventPipe sessions before it runs exit handlers, so no
    /// barrier can pass: this waits for the reader to read what the runtime flushed and then reads the tables here.
    /// </summary>
    /// <exception cref="MemTrackException">The reader did not reach the end of the stream within <paramref name="timeout"/>.</exception>
    public (Snapshot Snapshot, TracerFacts Facts) TakeFinalSnapshot(TimeSpan timeout)
    {
        long exact = AllocatedBytes;
        var takenAt = DateTimeOffset.Now;
        if (!_session.WaitForEnd(timeout))
        {
            throw new MemTrackException(string.Create(
                CultureInfo.InvariantCulture,
                $"The tracer's reader did not reach the end of the session within {timeout.TotalSeconds:0.###} s."));
        }

        return BuildReportSnapshot(exact, takenAt);
    }

    private (Snapshot Snapshot, TracerFacts Facts) BuildReportSnapshot(long exactAllocatedBytes, DateTimeOffset takenAt)
    {
        UpdateTracerMemory();
        var info = new SnapshotInfo(Options.Depth, takenAt, exactAllocatedBytes, _session.LostEvents, _epoch, _liveObjects is not null);
        var facts = new TracerFacts(TracerMemory, _liveObjects is null ? null : _sites.PeakLiveBytes);
        return (_builder.Build(info), facts);
    }

    public TracedMemory GetTracedMemory()
    {
        RequireLiveTracking();
        return _session.RunOnReader(() => new TracedMemory(_sites.LiveBytes, _sites.PeakLiveBytes), RequestTimeout);
    }

    public void ResetPeak()
    {
        RequireLiveTracking();
        _session.RunOnReader(_sites.ResetPeak, RequestTimeout);
    }

    public void ClearTraces() =>
        _session.RunOnReader(
            () =>
            {
                _decoder.ClearSites();
                _builder.Clear();
                _epoch = Guid.NewGuid();
                Interlocked.Exchange(ref _startAllocatedBytes, GC.GetTotalAllocatedBytes(precise: true));
                UpdateTracerMemory();
            },
            RequestTimeout);

    /// <summary>
    /// The sampled objects still alive, with where they are and where they were allocated, after every event written
    /// before the call (so after the GCs that ran before it); null without live tracking.
    /// </summary>
    public IReadOnlyList<SampledObject>? SampledLiveObjects() =>
        _liveObjects is null
            ? null
            : _session.RunOnReader(
                () => _liveObjects.ToSampledObjects(_builder.TracebackOfSlot),
                RequestTimeout);

    /// <summary>Runs arbitrary work on the reader thread after a barrier (tests use it to read decoder state).</summary>
    internal T OnReader<T>(Func<T> work) => _session.RunOnReader(work, RequestTimeout);

    public bool Stop(TimeSpan timeout) => _session.Stop(timeout);

    public void Dispose()
    {
        _session.Dispose();
        _frames.Dispose();
    }

    private void Subscribe(TraceLogEventSource source, TraceLog log, int ownThread)
    {
        _log = log;
        source.Clr.AddCallbackForEvents<AllocationSampledTraceData>(data =>
        {
            _samples++;
            _decoder.OnAllocation(data, log, ownThread);
            if (log.CallStacks.Count > _trimThreshold)
            {
                log.TrimLiveSessionState();
                _decoder.ForgetCallStackIndexes();
                Trims++;
            }

            if (Environment.TickCount64 - _lastMemoryUpdate > 500)
            {
                UpdateTracerMemory();
            }
        });
        if (_liveness is { } liveness)
        {
            SubscribeLiveness(source, liveness);
            source.Clr.GCAllocationTick += _ => AllocationTicks++;
        }

        source.Clr.MethodLoadVerbose += data => TracingSession.AddMethod(_frames, data);
        source.Clr.MethodILToNativeMap += data => TracingSession.AddIlMap(_frames, data);
        source.Clr.LoaderModuleLoad += data => _frames.AddModule((ulong)data.ModuleID, data.ModuleILPath);
    }

    private static void SubscribeLiveness(TraceLogEventSource source, GcLivenessTracker liveness)
    {
        source.Clr.GCStart += data => liveness.OnGcStart(data.Count, data.Depth, data.Type == GCType.BackgroundGC);
        source.Clr.GCGenerationRange += data => liveness.OnGenerationRange(data.Generation, data.RangeStart, data.RangeUsedLength);
        source.Clr.GCBulkSurvivingObjectRanges += data =>
        {
            for (int i = 0; i < data.Count; i++)
            {
                GCBulkSurvivingObjectRangesValues range = data.Values(i);
                liveness.OnSurvivingRange(range.RangeBase, range.RangeLength);
            }
        };
        source.Clr.GCBulkMovedObjectRanges += data =>
        {
            for (int i = 0; i < data.Count; i++)
            {
                GCBulkMovedObjectRangesValues range = data.Values(i);
                liveness.OnMovedRange(range.OldRangeBase, range.NewRangeBase, range.RangeLength);
            }
        };
        source.Clr.GCStop += data => liveness.OnGcEnd(data.Count);
    }

    /// <summary>Full blocking collections, with finalizers run in between, so that what is dead is no longer counted as live.</summary>
    private void RequireLiveTracking()
    {
        if (_liveObjects is null)
        {
            throw new InvalidOperationException(
                "Live memory is not tracked: MemTrack was started with MemTrackerOptions.TrackLiveObjects = false. "
                + "Start it with TrackLiveObjects = true (the default) to track live memory.");
        }
    }

    private void UpdateTracerMemory()
    {
        _lastMemoryUpdate = Environment.TickCount64;
        long bytes = _frames.EstimateBytes() + _stacks.EstimateBytes() + _sites.EstimateBytes() + _decoder.EstimateBytes() + _builder.EstimateBytes()
            + (_liveObjects?.EstimateBytes() ?? 0);
        if (_log is { } log)
        {
            // TraceLog's interned stacks (~16 bytes each) and code addresses (~40 bytes each).
            bytes += (log.CallStacks.Count * 16L) + (log.CodeAddresses.Count * 40L);
        }

        Interlocked.Exchange(ref _tracerMemory, bytes);
    }
}
