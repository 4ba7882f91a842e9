using System.Diagnostics;
using System.Globalization;
using MemTrack.Internal.Analysis;
using MemTrack.Internal.Decoding;
using MemTrack.Internal.Diagnostics;
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
/// touched on the session's reader thread; public operations reach it through barriers. Every event handler runs
/// guarded: an event it cannot decode is counted and skipped (<see cref="Health"/>), never fatal. In degraded mode
/// (no session, as <see cref="MemTrackerOptions.AllowDegradedMode"/> allows) the work runs on the caller's thread.
/// </summary>
internal sealed class Tracer : IDisposable
{
    /// <summary>TraceLog call-stack entries kept before its live tables are trimmed (microsoft/perfview#2451).</summary>
    internal const int DefaultTrimThreshold = 200_000;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly CollectibleAssemblyWatch _collectible = new();
    private readonly FrameResolver _frames;
    private readonly StackTable _stacks = new();
    private readonly RichDebugInfoEvents _richDebugInfo = new();
    private readonly SiteTable _sites;
    private readonly TrackedObjectTable? _liveObjects;
    private readonly GcLivenessTracker? _liveness;
    private readonly AllocationDecoder _decoder;
    private readonly SnapshotBuilder _builder;
    private readonly int _trimThreshold;
    private readonly TracingSession? _session;
    private readonly HealthMonitor _health;
    private readonly Lock _withoutSession = new();
    private long _startAllocatedBytes;
    private Guid _epoch = Guid.NewGuid();
    private readonly long _createdAllocatedBytes = GC.GetTotalAllocatedBytes(precise: false);
    private long _tracerMemory;
    private long _samples;
    private long _lastMemoryUpdate;
    private TraceLog? _log;

    /// <summary>Tests: a pause per allocation sample on the reader thread, so that a busy process leaves the reader behind.</summary>
    internal TimeSpan SlowReaderForTests { get; set; }

    /// <param name="options">What to trace.</param>
    /// <param name="trimThreshold">TraceLog call-stack entries kept before its live tables are trimmed.</param>
    /// <param name="onlyThreadId">The OS thread id whose samples alone are kept (an assertion's allocation-site probe); null: every thread.</param>
    public Tracer(MemTrackerOptions options, int trimThreshold = DefaultTrimThreshold, int? onlyThreadId = null)
    {
        Options = options;
        _trimThreshold = trimThreshold;
        _frames = new FrameResolver(_collectible);
        _sites = new SiteTable(options.MaxSites);
        if (options.TrackLiveObjects)
        {
            _liveObjects = new TrackedObjectTable(_sites);
            _liveness = new GcLivenessTracker(_liveObjects, () => LostEvents);
        }

        _decoder = new AllocationDecoder(_frames, _sites, _stacks, _liveObjects, _collectible, options.Depth, options.HideFrameworkFrames, onlyThreadId);
        _builder = new SnapshotBuilder(_frames, _stacks, _sites, _decoder);
        _health = new HealthMonitor();
        try
        {
            _session = TracingSession.Start(_frames, SessionProviders.Tracing(options.TrackLiveObjects, RichDebugInfo.IsEnabled), options.SessionBufferMB, Subscribe, OnSessionEnded, OnEventError);
            _health.Begin();
        }
        catch (MemTrackException ex) when (options.AllowDegradedMode)
        {
            _health.Begin(ex.Message, ex);
            BackgroundFaults.DegradedMode(ex);
        }
        catch
        {
            // No tracer comes of this: let go of what subscribed to process-wide events (the assembly-load watch).
            _collectible.Dispose();
            _frames.Dispose();
            throw;
        }

        // Tracing starts when Start returns, as in tracemalloc: samples of the tracer's own start-up work (the
        // rundown, the runtime enabling the session's providers) happened before this marker and are dropped.
        _ = _session?.PostToReader(_decoder.ClearSites);
        if (_session is null)
        {
            UpdateTracerMemory(); // no other thread sees this tracer yet
        }
        else
        {
            _ = _session.PostToReader(UpdateTracerMemory);
        }

        _startAllocatedBytes = GC.GetTotalAllocatedBytes(precise: true);
    }

    public MemTrackerOptions Options { get; }

    /// <summary>Exact bytes allocated by the process since Start or the last ClearTraces.</summary>
    public long AllocatedBytes => GC.GetTotalAllocatedBytes(precise: true) - Interlocked.Read(ref _startAllocatedBytes);

    /// <summary>Times the TraceLog tables were trimmed.</summary>
    public int Trims { get; private set; }

    /// <summary>Samples of the tracer's own reader thread (excluded from user statistics).</summary>
    public long OwnSamples => _decoder.OwnSamples;

    /// <summary>
    /// The tracer's memory as last measured on the reader: at each snapshot, and at most 500 ms after the last
    /// measurement while events arrive (no barrier: metrics read it every second).
    /// </summary>
    public long TracerMemory => Interlocked.Read(ref _tracerMemory);

    /// <summary>
    /// Measures the tracer's memory after every event written before the call (a barrier, as for a snapshot). Never
    /// throws: if the tracer stops or fails meanwhile, or the reader does not answer in time, the last measurement.
    /// </summary>
    public long MeasureTracerMemory()
    {
        try
        {
            return Run(
                () =>
                {
                    UpdateTracerMemory();
                    return TracerMemory;
                },
                RequestTimeout);
        }
        catch (MemTrackException)
        {
            return TracerMemory;
        }
    }

    /// <summary>
    /// Bytes allocated by the process since this tracer started (not restarted by ClearTraces), without the precise
    /// count's pause of every thread (metrics read it every second): it lags by at most the threads' unused allocation contexts.
    /// </summary>
    public long AllocatedSinceStart => Math.Max(0, GC.GetTotalAllocatedBytes(precise: false) - _createdAllocatedBytes);

    /// <summary>Allocation samples received, the tracer's own included.</summary>
    public long Samples => Volatile.Read(ref _samples);

    /// <summary>Events the runtime dropped so far.</summary>
    public long LostEvents => _session?.LostEvents ?? 0;

    /// <summary>Whether the tracer runs without a session (degraded mode): exact totals only.</summary>
    public bool IsDegraded => _session is null;

    /// <summary>The tracer's health, with the lost-event count brought up to date. Never throws.</summary>
    public TracerHealth Health
    {
        get
        {
            RefreshLostEvents();
            return _health.Current;
        }
    }

    /// <summary>
    /// Test seam: when set, an event for which it returns true makes its handler throw, as a malformed event would.
    /// Read on the reader thread for every event.
    /// </summary>
    internal Func<TraceEvent, bool>? DecodeFault { get; set; }

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
        return Run(() => BuildReportSnapshot(exact, takenAt), timeout);
    }

    /// <summary>
    /// The report snapshot of a process that is ending (an unhandled exception) while the session still runs: at a
    /// barrier if the reader catches up within a third of <paramref name="timeout"/>, else of what the reader has read
    /// by then, which the report says (threads that keep allocating can keep a reader behind for seconds).
    /// </summary>
    public (Snapshot Snapshot, TracerFacts Facts) TakeEndingSnapshot(TimeSpan timeout)
    {
        if (_session is not { } session)
        {
            return TakeReportSnapshot(timeout);
        }

        long exact = AllocatedBytes;
        var takenAt = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        try
        {
            return session.RunOnReader(() => BuildReportSnapshot(exact, takenAt), timeout / 3);
        }
        catch (MemTrackException) when (!session.WaitForEnd(TimeSpan.Zero))
        {
            return session.RunOnReaderNow(
                () =>
                {
                    (Snapshot snapshot, TracerFacts facts) = BuildReportSnapshot(exact, takenAt);
                    return (snapshot, facts with { ReadUpTo = session.UrgentReadUpTo });
                },
                timeout - clock.Elapsed);
        }
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
        if (_session is not null && !_session.WaitForEnd(timeout))
        {
            throw new MemTrackException(string.Create(
                CultureInfo.InvariantCulture,
                $"The tracer's reader did not reach the end of the session within {timeout.TotalSeconds:0.###} s."));
        }

        return BuildReportSnapshot(exact, takenAt);
    }

    /// <summary>
    /// Builds a snapshot from the tables. Its lost events are those the runtime dropped and those the reader could not
    /// decode: both are samples missing from the estimates.
    /// </summary>
    private (Snapshot Snapshot, TracerFacts Facts) BuildReportSnapshot(long exactAllocatedBytes, DateTimeOffset takenAt)
    {
        UpdateTracerMemory();
        RefreshLostEvents();
        bool hasLiveData = _liveObjects is not null && !IsDegraded;
        var info = new SnapshotInfo(Options.Depth, takenAt, exactAllocatedBytes, _health.LostEvents + _health.DecodeErrors, _epoch, hasLiveData, IsDegraded, RichDebugInfo.IsEnabled);
        var facts = new TracerFacts(TracerMemory, hasLiveData ? _sites.PeakLiveBytes : null, _health.Current);
        return (_builder.Build(info), facts);
    }

    public TracedMemory GetTracedMemory()
    {
        RequireLiveTracking();
        return Run(() => new TracedMemory(_sites.LiveBytes, _sites.PeakLiveBytes), RequestTimeout);
    }

    public void ResetPeak()
    {
        RequireLiveTracking();
        Run(
            () =>
            {
                _sites.ResetPeak();
                return true;
            },
            RequestTimeout);
    }

    /// <summary>Forgets the traces so far; harmless once the tracer is stopping (there is nothing left to clear).</summary>
    public void ClearTraces()
    {
        try
        {
            Run(
                () =>
                {
                    _decoder.ClearSites();
                    _builder.Clear();
                    _epoch = Guid.NewGuid();
                    Interlocked.Exchange(ref _startAllocatedBytes, GC.GetTotalAllocatedBytes(precise: true));
                    UpdateTracerMemory();
                    return true;
                },
                RequestTimeout);
        }
        catch (MemTrackException) when (_session is { IsStopping: true })
        {
            // Stopped by another thread before or while the request ran (MemTracker.ClearTraces is harmless when tracing is off).
        }
    }

    /// <summary>
    /// The sampled objects still alive, with where they are and where they were allocated, after every event written
    /// before the call (so after the GCs that ran before it); null without live tracking.
    /// </summary>
    public IReadOnlyList<SampledObject>? SampledLiveObjects() =>
        _liveObjects is null || IsDegraded
            ? null
            : Run(
                () => _liveObjects.ToSampledObjects(_builder.TracebackOfSlot),
                RequestTimeout);

    /// <summary>Runs arbitrary work on the reader thread after a barrier (tests use it to read decoder state).</summary>
    internal T OnReader<T>(Func<T> work) => Run(work, RequestTimeout);

    /// <summary>Ends the session under the reader: the runtime stops it (<paramref name="cleanly"/>) or its stream breaks (tests).</summary>
    internal void EndSessionForTests(bool cleanly) => _session?.EndForTests(cleanly);

    /// <summary>Says that the process exits, so the end of the session the runtime is about to cause is no failure.</summary>
    public void ExpectSessionEnd() => _session?.ExpectEnd();

    public bool Stop(TimeSpan timeout)
    {
        _health.Close();
        return _session?.Stop(timeout) ?? true;
    }

    public void Dispose()
    {
        _health.Close();
        _session?.Dispose();
        _frames.Dispose();
        _collectible.Dispose();
    }

    /// <summary>Runs work after every event written before the call: on the reader, or here under a lock without a session.</summary>
    private T Run<T>(Func<T> work, TimeSpan timeout)
    {
        if (_session is not null)
        {
            return _session.RunOnReader(work, timeout);
        }

        lock (_withoutSession)
        {
            return work();
        }
    }

    private void OnSessionEnded(Exception? failure)
    {
        RefreshLostEvents();
        if (failure is null)
        {
            BackgroundFaults.SessionEnded(_health);
        }
        else
        {
            BackgroundFaults.ReaderFailed(_health, failure);
        }
    }

    /// <summary>Blocks the reader until <paramref name="release"/> is set (at most a minute); returns once it is blocked (tests).</summary>
    internal void BlockReaderForTests(ManualResetEventSlim release) =>
        (_session ?? throw new InvalidOperationException("No session (degraded mode).")).BlockForTests(release);

    /// <summary>Brings the health's lost-event count up to TraceEvent's (any thread: a stale read only delays it).</summary>
    private void RefreshLostEvents()
    {
        long lost = LostEvents;
        if (lost > _health.LostEvents)
        {
            BackgroundFaults.EventsLost(_health, lost);
        }
    }

    /// <summary>
    /// Wraps an event handler so that an exception on one event (a malformed event, a decoder bug) is counted as a
    /// decode error and the event skipped, instead of ending the reader.
    /// </summary>
    private Action<T> Guarded<T>(Action<T> handler)
        where T : TraceEvent =>
        data =>
        {
            try
            {
                if (DecodeFault is { } fault && fault(data))
                {
                    throw new InvalidDataException("Injected decode fault (MemTrack tests).");
                }

                handler(data);
            }
            catch (Exception ex)
            {
                OnEventError(data, ex);
            }

            if (Environment.TickCount64 - _lastMemoryUpdate > 500)
            {
                RefreshPeriodicFigures();
            }
        };

    /// <summary>The tracer's memory and the lost-event count, refreshed between events; a failure here is no decode error of the event.</summary>
    private void RefreshPeriodicFigures()
    {
        try
        {
            UpdateTracerMemory();
            RefreshLostEvents();
        }
        catch (Exception ex)
        {
            _lastMemoryUpdate = Environment.TickCount64;
            BackgroundFaults.ReportingFailed(ex);
        }
    }

    private void OnEventError(TraceEvent data, Exception error) => BackgroundFaults.DecodeError(_health, data.EventName, error);

    private void Subscribe(TraceLogEventSource source, TraceLog log, int ownThread)
    {
        _log = log;
        source.Clr.AddCallbackForEvents(Guarded<AllocationSampledTraceData>(data =>
        {
            if (_session is { HasUrgentRequest: true } session)
            {
                // The report of a process ending while the reader is behind: what was read up to this sample.
                session.RunUrgentRequest(data);
            }

            if (SlowReaderForTests > TimeSpan.Zero)
            {
                Thread.Sleep(SlowReaderForTests);
            }

            _samples++;
            _decoder.OnAllocation(data, log, ownThread);
            if (log.CallStacks.Count > _trimThreshold)
            {
                log.TrimLiveSessionState();
                _decoder.ForgetCallStackIndexes();
                Trims++;
            }
        }));
        if (_liveness is { } liveness)
        {
            SubscribeLiveness(source, liveness);
            source.Clr.GCAllocationTick += Guarded<GCAllocationTickTraceData>(_ => AllocationTicks++);
        }

        source.Clr.MethodLoadVerbose += Guarded<MethodLoadUnloadVerboseTraceData>(_frames.OnMethodLoad);
        source.Clr.MethodILToNativeMap += Guarded<MethodILToNativeMapTraceData>(_frames.OnIlMap);
        source.Clr.LoaderModuleLoad += Guarded<ModuleLoadUnloadTraceData>(data => _frames.AddModule((ulong)data.ModuleID, data.ModuleILPath));
        source.Clr.MethodMethodDetails += Guarded<MethodDetailsTraceData>(data => _frames.AddMethodDetails((ulong)data.MethodID, (ulong)data.TypeID));
        source.UnhandledEvents += Guarded<TraceEvent>(data =>
        {
            if ((int)data.ID == RichDebugInfoEvents.EventId && data.ProviderGuid == RichDebugInfoEvents.PrivateProvider
                && _richDebugInfo.Read(data.EventData()) is var (methodId, inlines))
            {
                _frames.Methods.AddInlineTree(methodId, inlines);
            }
        });
    }

    private void SubscribeLiveness(TraceLogEventSource source, GcLivenessTracker liveness)
    {
        source.Clr.GCStart += Guarded<GCStartTraceData>(data => liveness.OnGcStart(data.Count, data.Depth, data.Type == GCType.BackgroundGC));
        source.Clr.GCGenerationRange += Guarded<GCGenerationRangeTraceData>(data => liveness.OnGenerationRange(data.Generation, data.RangeStart, data.RangeUsedLength));
        source.Clr.GCBulkSurvivingObjectRanges += Guarded<GCBulkSurvivingObjectRangesTraceData>(data =>
        {
            for (int i = 0; i < data.Count; i++)
            {
                GCBulkSurvivingObjectRangesValues range = data.Values(i);
                liveness.OnSurvivingRange(range.RangeBase, range.RangeLength);
            }
        });
        source.Clr.GCBulkMovedObjectRanges += Guarded<GCBulkMovedObjectRangesTraceData>(data =>
        {
            for (int i = 0; i < data.Count; i++)
            {
                GCBulkMovedObjectRangesValues range = data.Values(i);
                liveness.OnMovedRange(range.OldRangeBase, range.NewRangeBase, range.RangeLength);
            }
        });
        source.Clr.GCStop += Guarded<GCEndTraceData>(data => liveness.OnGcEnd(data.Count));
    }

    /// <summary>Throws unless live memory is tracked: the option is on and the tracer has a session.</summary>
    private void RequireLiveTracking()
    {
        if (_liveObjects is null)
        {
            throw new InvalidOperationException(
                "Live memory is not tracked: MemTrack was started with MemTrackerOptions.TrackLiveObjects = false. "
                + "Start it with TrackLiveObjects = true (the default) to track live memory.");
        }

        if (IsDegraded)
        {
            throw new MemTrackException(
                "Live memory is not tracked: MemTrack runs in degraded mode (MemTrackerOptions.AllowDegradedMode) without its tracing session. "
                + "MemTracker.Health says why; snapshots hold the exact allocated total only.");
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
