using System.Runtime.Loader;
using MemTrack.Internal;
using MemTrack.Internal.Diagnostics;
using MemTrack.Internal.Metrics;
using MemTrack.Internal.Reporting;

namespace MemTrack;

/// <summary>
/// Traces the managed allocations of the current process, as Python's <c>tracemalloc</c> does:
/// <see cref="Start(int)"/>, <see cref="TakeSnapshot()"/>, <see cref="Stop"/>. Allocations are sampled by the runtime
/// (one sample per 100 KiB allocated, per thread) with their call stacks, through an EventPipe session the process
/// opens to itself; estimates are unbiased and carry their uncertainty. All members are thread-safe.
/// </summary>
public static class MemTracker
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long stopping waits for the reader when an unhandled exception ends the process: nothing it would drain is
    /// used any more, and threads that keep allocating would keep it draining.
    /// </summary>
    private static readonly TimeSpan CrashStopTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly Lock Gate = new();
    private static Tracer? s_tracer;
    private static bool s_exitHooked;
    private static int s_exitReported;

    /// <summary>The options the running tracer was asked for, before an inherited exit report was merged in: starting again with them does nothing.</summary>
    private static MemTrackerOptions? s_requested;
    private static bool s_startedFromEnvironment;
    private static TracerHealth s_offHealth = HealthMonitor.Off(DateTimeOffset.Now);

    /// <summary>
    /// Name of the <see cref="System.Diagnostics.Metrics.Meter"/> MemTrack publishes while tracing, for
    /// <c>dotnet-counters monitor --counters MemTrack</c> or OpenTelemetry's <c>AddMeter</c>. Instruments (no tags):
    /// <c>memtrack.traced.live</c> (gauge, bytes, estimated), <c>memtrack.allocated</c> (counter, bytes, from the GC's allocation counter),
    /// <c>memtrack.samples</c>, <c>memtrack.lost_events</c> (counters), <c>memtrack.tracer.memory</c> (gauge, bytes).
    /// </summary>
    public const string MeterName = "MemTrack";

    /// <summary>Whether tracing is on (tracemalloc's <c>is_tracing</c>).</summary>
    public static bool IsTracing => Volatile.Read(ref s_tracer) is not null;

    /// <summary>Frames kept per traceback (tracemalloc's <c>get_traceback_limit</c>).</summary>
    /// <exception cref="InvalidOperationException">Tracing is off.</exception>
    public static int TracebackLimit => RequireTracer().Options.Depth;

    /// <summary>The options tracing runs with, or null when tracing is off.</summary>
    public static MemTrackerOptions? Options => Volatile.Read(ref s_tracer)?.Options;

    /// <summary>
    /// Exact bytes allocated by the whole process since <see cref="Start(int)"/> or the last
    /// <see cref="ClearTraces"/> (<see cref="GC.GetTotalAllocatedBytes(bool)"/> with <c>precise: true</c>); 0 when tracing is off.
    /// </summary>
    public static long AllocatedBytes => Volatile.Read(ref s_tracer)?.AllocatedBytes ?? 0;

    /// <summary>
    /// The tracer's health: <see cref="TracerState.Off"/>, <see cref="TracerState.Running"/>,
    /// <see cref="TracerState.Degraded"/> (events lost or not decodable, or degraded mode) or
    /// <see cref="TracerState.Failed"/> (the session ended or its reader failed), with why and what to do. Failures of
    /// the tracer's background work show here instead of being thrown at the application. Cheap, thread-safe, never throws.
    /// </summary>
    public static TracerHealth Health
    {
        get
        {
            try
            {
                return Volatile.Read(ref s_tracer)?.Health ?? Volatile.Read(ref s_offHealth);
            }
            catch (Exception ex)
            {
                // Never expected; the property must not throw whatever happens.
                return new TracerHealth(TracerState.Failed, "MemTrack could not read its health: " + BackgroundFaults.Describe(ex), ex, 0, 0, DateTimeOffset.Now);
            }
        }
    }

    /// <summary>
    /// Raised when <see cref="Health"/> changes state (Start, Stop, the first lost or undecodable event, a failure),
    /// with the new health. It is raised on a thread-pool thread, never on the thread that caused the change, one change
    /// at a time in order; the sender is null. A handler that throws is caught and reported through the <c>MemTrack</c>
    /// event source, never rethrown.
    /// </summary>
    public static event EventHandler<TracerHealth>? HealthChanged
    {
        add => HealthNotifier.Add(value);
        remove => HealthNotifier.Remove(value);
    }

    /// <summary>
    /// Starts tracing with <paramref name="depth"/> frames per traceback (tracemalloc's <c>start(nframe)</c>).
    /// </summary>
    /// <param name="depth">Frames kept per traceback, 1 to 100. Default 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="depth"/> is outside 1..100.</exception>
    /// <exception cref="InvalidOperationException">Tracing is already on with other options.</exception>
    /// <exception cref="DiagnosticsUnavailableException">The runtime's diagnostics are disabled or unreachable.</exception>
    /// <exception cref="MemTrackException">The session could not be started.</exception>
    public static void Start(int depth = 1) => Start(OptionsOfDepth(depth));

    /// <summary>
    /// Starts tracing with <paramref name="options"/>. Starting again with equal options does nothing. Returns once
    /// the session is open and the code loaded so far is named (typically 0.2 to 0.6 s).
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">Tracing is already on with other options.</exception>
    /// <exception cref="DiagnosticsUnavailableException">
    /// The runtime's diagnostics are disabled or unreachable, and <see cref="MemTrackerOptions.AllowDegradedMode"/> is false.
    /// </exception>
    /// <exception cref="MemTrackException">The session could not be started, and <see cref="MemTrackerOptions.AllowDegradedMode"/> is false.</exception>
    public static void Start(MemTrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        MemTrackerOptions requested = options;
        lock (Gate)
        {
            if (s_tracer is { } running)
            {
                if (running.Options == options || s_requested == options)
                {
                    return;
                }

                if (!s_startedFromEnvironment)
                {
                    throw new InvalidOperationException(
                        $"MemTrack is already tracing with other options ({running.Options}); call MemTracker.Stop() first.");
                }

                // The startup hook's tracer gives way to the app's own options; its exit report stays unless the app asks for one.
                StopLocked();
                options = options.ExitReport is null ? options with { ExitReport = running.Options.ExitReport } : options;
            }

            HookProcessExit();
            var tracer = new Tracer(options);
            TracerMetrics.OnStarted(tracer);
            Volatile.Write(ref s_tracer, tracer);
            s_requested = requested;
            s_startedFromEnvironment = false;
        }
    }

    /// <summary>Starts tracing for the startup hook (MEMTRACK=depth): an explicit <see cref="Start(MemTrackerOptions)"/> later replaces it.</summary>
    internal static void StartFromEnvironment(MemTrackerOptions options)
    {
        lock (Gate)
        {
            Start(options);
            s_startedFromEnvironment = true;
        }
    }

    /// <summary>Stops tracing and forgets the traces (tracemalloc's <c>stop</c>). Harmless when tracing is off. Returns within about 2 s.</summary>
    public static void Stop() => StopWithin(StopTimeout);

    /// <summary>
    /// Takes a snapshot of the traced allocation sites (tracemalloc's <c>take_snapshot</c>). It includes every
    /// allocation made, on any thread, before the call.
    /// </summary>
    /// <returns>The snapshot.</returns>
    /// <exception cref="InvalidOperationException">Tracing is off.</exception>
    /// <exception cref="MemTrackException">The tracer could not catch up within 10 s, it failed, or another thread stopped it meanwhile.</exception>
    public static Snapshot TakeSnapshot() => RequireTracer().TakeSnapshot(collect: false);

    /// <summary>
    /// Traces a block of code, for tests: starts the tracer with <paramref name="depth"/> frames when it is off (and
    /// stops it when the region is disposed), and snapshots the start, so <see cref="TracedRegion.CompareToStart"/>
    /// shows what each site allocated or kept alive inside the block. When tracing is already on, the region uses it
    /// as it is.
    /// </summary>
    /// <param name="depth">Frames kept per traceback when the region starts the tracer, 1 to 100. Default 10.</param>
    /// <returns>The region; dispose it at the end of the block.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="depth"/> is outside 1..100.</exception>
    /// <exception cref="DiagnosticsUnavailableException">The runtime's diagnostics are disabled or unreachable.</exception>
    /// <exception cref="MemTrackException">The session could not be started or the start snapshot not taken.</exception>
    public static TracedRegion Trace(int depth = 10) => Trace(OptionsOfDepth(depth));

    /// <summary>Traces a block of code with <paramref name="options"/> when tracing is off (see <see cref="Trace(int)"/>).</summary>
    /// <param name="options">The settings the region starts the tracer with.</param>
    /// <returns>The region; dispose it at the end of the block.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="DiagnosticsUnavailableException">The runtime's diagnostics are disabled or unreachable.</exception>
    /// <exception cref="MemTrackException">The session could not be started or the start snapshot not taken.</exception>
    public static TracedRegion Trace(MemTrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new TracedRegion(options);
    }

    /// <summary>The running tracer, or null.</summary>
    internal static Tracer? Current => Volatile.Read(ref s_tracer);

    /// <summary>
    /// Takes a snapshot, after full blocking garbage collections when <paramref name="collect"/> is true. Live
    /// statistics count an object until a GC that collected its generation did not keep it, so without a collection
    /// they include garbage not yet collected (young garbage, until the next gen0 GC; old garbage, until the next
    /// gen2 GC). Collect first when the question is "what is really still referenced", as in leak hunting and tests;
    /// don't in production code paths where a full GC pause matters.
    /// </summary>
    /// <param name="collect">Whether to run <see cref="GC.Collect()"/>, the pending finalizers and <see cref="GC.Collect()"/> again first.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="InvalidOperationException">Tracing is off.</exception>
    /// <exception cref="MemTrackException">The tracer could not catch up within 10 s, it failed, or another thread stopped it meanwhile.</exception>
    public static Snapshot TakeSnapshot(bool collect) => RequireTracer().TakeSnapshot(collect);

    /// <summary>
    /// The estimated live bytes of traced objects, now and at the peak (tracemalloc's <c>get_traced_memory</c>). Like
    /// <see cref="TakeSnapshot()"/>, it includes every allocation made before the call, so it takes up to ~200 ms.
    /// </summary>
    /// <returns>Current and peak estimated live bytes.</returns>
    /// <exception cref="InvalidOperationException">Tracing is off, or <see cref="MemTrackerOptions.TrackLiveObjects"/> is false.</exception>
    /// <exception cref="MemTrackException">The tracer could not catch up within 10 s, it failed, another thread stopped it meanwhile, or it runs in degraded mode.</exception>
    public static TracedMemory GetTracedMemory() => RequireTracer().GetTracedMemory();

    /// <summary>Sets the peak of <see cref="GetTracedMemory"/> to the current value (tracemalloc's <c>reset_peak</c>).</summary>
    /// <exception cref="InvalidOperationException">Tracing is off, or <see cref="MemTrackerOptions.TrackLiveObjects"/> is false.</exception>
    /// <exception cref="MemTrackException">The tracer could not catch up within 10 s, it failed, another thread stopped it meanwhile, or it runs in degraded mode.</exception>
    public static void ResetPeak() => RequireTracer().ResetPeak();

    /// <summary>
    /// Forgets the traces collected so far and restarts <see cref="AllocatedBytes"/> (tracemalloc's <c>clear_traces</c>);
    /// tracing goes on. Harmless when tracing is off or stopped meanwhile by another thread.
    /// </summary>
    /// <exception cref="MemTrackException">The tracer could not catch up within 10 s, or it failed.</exception>
    public static void ClearTraces() => Volatile.Read(ref s_tracer)?.ClearTraces();

    /// <summary>
    /// Estimated bytes of managed memory the tracer itself holds (its tables and TraceEvent's), as tracemalloc's
    /// <c>get_tracemalloc_memory</c>; 0 when tracing is off. The EventPipe buffers of the runtime are not included.
    /// Like <see cref="GetTracedMemory"/>, it is measured after every event written before the call, so it takes up
    /// to ~200 ms; if tracing stops meanwhile (or the tracer cannot catch up within 10 s), the last measurement.
    /// </summary>
    /// <returns>Bytes.</returns>
    public static long GetTracerMemory() => Volatile.Read(ref s_tracer)?.MeasureTracerMemory() ?? 0;

    /// <summary>
    /// The tracer's memory as last measured (at every snapshot, and between events at most every 500 ms), without
    /// waiting for the reader: for reports that have just taken a snapshot. 0 when tracing is off.
    /// </summary>
    internal static long LastTracerMemory => Volatile.Read(ref s_tracer)?.TracerMemory ?? 0;

    internal static Tracer RequireTracer() =>
        Volatile.Read(ref s_tracer) ?? throw new InvalidOperationException("MemTrack is not tracing; call MemTracker.Start() first.");

    /// <summary>The default options with <paramref name="depth"/>, which must be 1..100 (the exception names <c>depth</c>).</summary>
    private static MemTrackerOptions OptionsOfDepth(int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, MemTrackerOptions.MinDepth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(depth, MemTrackerOptions.MaxDepth);
        return new MemTrackerOptions { Depth = depth };
    }

    private static void HookProcessExit()
    {
        if (!s_exitHooked)
        {
            s_exitHooked = true;
            // The runtime ends the session before any exit handler runs; Unloading comes before every ProcessExit
            // handler, so the tracer learns first that the end is the exit, not a failure.
            AssemblyLoadContext.Default.Unloading += _ => Current?.ExpectSessionEnd();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => OnExit(sessionEnding: true);
            AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            {
                if (e.IsTerminating)
                {
                    OnExit(sessionEnding: false);
                }
            };
        }
    }

    /// <summary>
    /// Stops the running tracer, if any. Under <see cref="Gate"/>, so a Start cannot overlap a Stop (stopping takes at
    /// most ~2 s; nothing the reader thread runs takes the gate).
    /// </summary>
    private static void StopWithin(TimeSpan timeout)
    {
        lock (Gate)
        {
            StopLocked(timeout);
        }
    }

    private static void StopLocked() => StopLocked(StopTimeout);

    private static void StopLocked(TimeSpan timeout)
    {
        if (s_tracer is not { } tracer)
        {
            return;
        }

        Volatile.Write(ref s_tracer, null);
        s_requested = null;
        s_startedFromEnvironment = false;
        _ = tracer.Stop(timeout);
        TracerMetrics.OnStopped(tracer);
        tracer.Dispose();
        TracerHealth off = HealthMonitor.Off(DateTimeOffset.Now);
        Volatile.Write(ref s_offHealth, off);
        HealthNotifier.Raise(off);
    }

    /// <summary>Writes the exit report once, if asked for, then stops tracing.</summary>
    /// <param name="sessionEnding">True at ProcessExit, when the runtime has already ended the EventPipe session.</param>
    private static void OnExit(bool sessionEnding)
    {
        if (sessionEnding)
        {
            Current?.ExpectSessionEnd();
        }

        if (Current is { Options.ExitReport: { } report } tracer && Interlocked.Exchange(ref s_exitReported, 1) == 0)
        {
            _ = ExitReporter.Run(tracer, report, sessionEnding);
        }

        StopWithin(sessionEnding ? StopTimeout : CrashStopTimeout);
    }
}
