using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using MemTrack.Internal.Decoding;
using MemTrack.Internal.Diagnostics;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace MemTrack.Internal.Session;

/// <summary>
/// The EventPipe session the process opens to itself, and the dedicated reader thread that decodes it in real time
/// with TraceEvent. Everything that touches decoder state runs on the reader thread; other threads reach it through
/// <see cref="RunOnReader"/>, which orders the work after every event written before the call (a barrier event
/// through the same session). Every wait is bounded.
/// </summary>
internal sealed class TracingSession : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RundownTimeout = TimeSpan.FromSeconds(10);
    private const string StoppedMessage = "Tracing was stopped.";
    private static readonly TimeSpan BarrierRepeat = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// How long an end of the stream that nobody asked for waits before it counts as a failure: at process exit the
    /// runtime ends every session before the exit handlers run, and the exit handler says so (<see cref="ExpectEnd"/>).
    /// </summary>
    private static readonly TimeSpan UnexpectedEndGrace = TimeSpan.FromSeconds(2);

    private readonly DiagnosticsClient _client;
    private readonly EventPipeSession _session;
    private readonly Action<TraceLogEventSource, TraceLog, int> _subscribe;
    private readonly Action<Exception?> _onEnded;
    private readonly Action<TraceEvent, Exception> _onEventError;
    private readonly FrameResolver _frames;
    private readonly Thread _reader;
    private readonly ManualResetEventSlim _ready = new(false);
    private readonly ManualResetEventSlim _finished = new(false);
    private readonly ManualResetEventSlim _endExpected = new(false);
    private readonly List<ReaderRequest> _pending = [];
    /// <summary>
    /// Barrier ids, process-wide: every session of the process receives every barrier event (they come from one event
    /// source), so a session must not take another's barrier for its own. A barrier with a larger id was written after
    /// the request of a smaller one began, so it orders that request's events as well as its own.
    /// </summary>
    private static long s_nextBarrierId;
    private volatile Exception? _failure;
    private ReaderRequest? _urgent;
    private volatile bool _stopping;

    /// <summary>Whether <see cref="Stop"/> has been called: requests now fail with a <see cref="MemTrackException"/>.</summary>
    public bool IsStopping => _stopping;
    private TraceLogEventSource? _source;
    private TraceEventDispatcher? _eventPipeSource;

    private TracingSession(DiagnosticsClient client, EventPipeSession session, FrameResolver frames, Action<TraceLogEventSource, TraceLog, int> subscribe, Action<Exception?> onEnded, Action<TraceEvent, Exception> onEventError)
    {
        _client = client;
        _session = session;
        _frames = frames;
        _subscribe = subscribe;
        _onEnded = onEnded;
        _onEventError = onEventError;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "MemTrack reader" };
    }

    /// <summary>OS id of the reader thread: samples of its allocations are the tracer's own.</summary>
    public int ReaderThreadId { get; private set; } = -2;

    /// <summary>
    /// Events the runtime dropped, as TraceEvent's EventPipe reader counts them: gaps in the sequence numbers of each
    /// thread's events, seen at its next event or at the next sequence point (docs/reliability.md). Read from any
    /// thread (a stale value only delays it).
    /// </summary>
    public long LostEvents => _eventPipeSource?.EventsLost ?? 0;

    /// <summary>
    /// Waits until the reader has read the end of the stream (the runtime ends every session when it shuts down,
    /// before exit handlers run); returns false after <paramref name="timeout"/>. Once it returns true the reader is
    /// gone, so its state may be read from any thread.
    /// </summary>
    public bool WaitForEnd(TimeSpan timeout) => _finished.Wait(timeout);

    /// <summary>
    /// Opens the session and starts the reader; returns when the rundown has named the code loaded so far.
    /// <paramref name="subscribe"/> runs on the reader thread to attach the decoders. <paramref name="onEnded"/> runs on
    /// the reader thread when the session ends without <see cref="Stop"/>: with the exception that stopped the reader,
    /// or null when the stream simply ended (after <see cref="UnexpectedEndGrace"/>, unless <see cref="ExpectEnd"/> came first).
    /// </summary>
    /// <param name="frames">Where the rundown's and the live method events go.</param>
    /// <param name="providers">The session's providers.</param>
    /// <param name="bufferMB">The session's circular buffer, in MB; when the reader falls behind by more, the runtime drops events.</param>
    /// <param name="subscribe">Attaches the decoders (on the reader thread).</param>
    /// <param name="onEnded">Reports an end nobody asked for.</param>
    /// <param name="onEventError">Reports an event the session's own handler (the barrier) could not read; the event is skipped.</param>
    public static TracingSession Start(
        FrameResolver frames, EventPipeProvider[] providers, int bufferMB, Action<TraceLogEventSource, TraceLog, int> subscribe, Action<Exception?> onEnded, Action<TraceEvent, Exception> onEventError)
    {
        WarmUpLazyEventSources();
        var client = new DiagnosticsClient(Environment.ProcessId);
        EventPipeSession session = SessionConnection.Connect(client, new EventPipeSessionConfiguration(providers, bufferMB, requestRundown: false));
        var tracing = new TracingSession(client, session, frames, subscribe, onEnded, onEventError);
        tracing._reader.Start();
        bool ready = tracing._ready.Wait(ReadyTimeout);
        if (!ready || tracing._failure is not null)
        {
            Exception? cause = tracing._failure;
            tracing.Dispose();
            throw cause is null
                ? new MemTrackException($"The tracing session did not start within {ReadyTimeout.TotalSeconds:0} s.")
                : new MemTrackException("The tracing session failed to start: " + cause.Message, cause);
        }

        return tracing;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the reader thread after every event written before this call has been
    /// processed, and returns its result.
    /// </summary>
    public T RunOnReader<T>(Func<T> work, TimeSpan timeout)
    {
        if (_stopping)
        {
            // A caller that fetched the tracer just before another thread stopped it (MemTracker's documented exception).
            throw new MemTrackException(StoppedMessage);
        }

        ThrowIfEnded();
        var request = new ReaderRequest(Interlocked.Increment(ref s_nextBarrierId), () => work());
        lock (_pending)
        {
            // Checked again under the lock Stop's FailPending takes, so a request added after it cannot wait out its timeout.
            if (_stopping)
            {
                throw new MemTrackException(StoppedMessage);
            }

            _pending.Add(request);
        }

        var clock = Stopwatch.StartNew();
        MemTrackEventSource.Log.Barrier(request.BarrierId);
        while (!request.Done.Wait(BarrierRepeat))
        {
            if (_finished.IsSet || clock.Elapsed >= timeout)
            {
                lock (_pending)
                {
                    _pending.Remove(request);
                }

                ThrowIfEnded();
                throw new MemTrackException(
                    $"The tracer did not catch up with the application within {timeout.TotalSeconds:0.#} s (the event reader is behind); see MemTracker.Health.");
            }

            // A barrier can sit in TraceEvent's reorder cache until more events arrive; another one pushes it out.
            // Re-sending every 30 ms keeps a snapshot taken right after allocating at ~200 ms instead of ~300 ms.
            MemTrackEventSource.Log.Barrier(request.BarrierId);
        }

        request.Done.Dispose();
        return ResultOf<T>(request);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the reader thread at its next event, whatever it has read so far (no barrier:
    /// events written before the call may still be unread), and returns its result. For the exit report of a crashing
    /// process whose reader is behind: a report of what was read beats none. The reader runs it at its next allocation
    /// sample or barrier; a barrier is written, so an idle reader gets one.
    /// </summary>
    /// <exception cref="MemTrackException">The reader did not run it within <paramref name="timeout"/>, or it has ended.</exception>
    public T RunOnReaderNow<T>(Func<T> work, TimeSpan timeout)
    {
        ThrowIfEnded();
        var request = new ReaderRequest(0, () => work());
        Volatile.Write(ref _urgent, request);
        MemTrackEventSource.Log.Barrier(Interlocked.Increment(ref s_nextBarrierId));
        if (!request.Done.Wait(timeout))
        {
            _ = Interlocked.CompareExchange(ref _urgent, null, request);
            ThrowIfEnded();
            throw new MemTrackException(string.Create(CultureInfo.InvariantCulture, $"The tracer's reader did not answer within {timeout.TotalSeconds:0.###} s."));
        }

        return ResultOf<T>(request);
    }

    /// <summary>The result of a request that ran, or its failure as a <see cref="MemTrackException"/>.</summary>
    private static T ResultOf<T>(ReaderRequest request) =>
        request.Error is { } error
            ? throw (error as MemTrackException ?? new MemTrackException("The tracer failed: " + error.Message, error))
            : (T)request.Result!;

    /// <summary>Whether a <see cref="RunOnReaderNow"/> request waits for the reader.</summary>
    public bool HasUrgentRequest => Volatile.Read(ref _urgent) is not null;

    /// <summary>The time of the event a <see cref="RunOnReaderNow"/> request ran at: what the reader had read up to. Read by that request.</summary>
    public DateTimeOffset? UrgentReadUpTo { get; private set; }

    /// <summary>
    /// Runs the pending <see cref="RunOnReaderNow"/> request, if any, at <paramref name="data"/> (the event about to be
    /// handled). Called on the reader thread by the frequent event handlers.
    /// </summary>
    public void RunUrgentRequest(TraceEvent data)
    {
        if (Volatile.Read(ref _urgent) is { } request && Interlocked.CompareExchange(ref _urgent, null, request) == request)
        {
            UrgentReadUpTo = data.TimeStamp;
            request.Run();
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> to run on the reader thread after every event written before this call,
    /// without waiting for it. Returns the id of its barrier. If the runtime drops that barrier event, the work runs
    /// at the next barrier that gets through.
    /// </summary>
    public long PostToReader(Action work)
    {
        var request = new ReaderRequest(Interlocked.Increment(ref s_nextBarrierId), () =>
        {
            work();
            return null;
        });
        lock (_pending)
        {
            _pending.Add(request);
        }

        MemTrackEventSource.Log.Barrier(request.BarrierId);
        return request.BarrierId;
    }

    /// <summary>Stops the session and the reader, waiting at most <paramref name="timeout"/>. Never throws.</summary>
    public bool Stop(TimeSpan timeout)
    {
        if (_stopping)
        {
            return _finished.Wait(0);
        }

        _stopping = true;
        _endExpected.Set();

        // Stop from a thread of its own while the reader keeps draining the stream (dotnet/runtime#1892, #36108). A
        // reader that does not finish is unblocked by closing its stream; it is a background thread, so it cannot hold up exit.
        bool finished = SessionConnection.StopAndDrain(_session, _finished.Wait, timeout, TimeSpan.FromMilliseconds(200), disposeWhenDrained: false);
        FailPending(new MemTrackException(StoppedMessage));
        return finished;
    }

    public void Dispose()
    {
        _ = Stop(TimeSpan.FromSeconds(2));
        SessionConnection.DisposeQuietly(_session);
    }

    /// <summary>Says that the session is about to end on purpose (the process exits), so its end is no failure.</summary>
    public void ExpectEnd() => _endExpected.Set();

    /// <summary>
    /// Ends the session under the reader (tests): <paramref name="cleanly"/> asks the runtime to stop it, as a
    /// diagnostics tool or the process exit would (the stream ends); otherwise closes the stream, as a broken connection would.
    /// </summary>
    internal void EndForTests(bool cleanly)
    {
        if (cleanly)
        {
            _ = SessionConnection.StopInBackground(_session).Wait(RundownTimeout);
        }
        else
        {
            SessionConnection.DisposeQuietly(_session);
        }

        _ = _finished.Wait(RundownTimeout);
    }

    /// <summary>
    /// Makes the reader wait for <paramref name="release"/> (at most a minute), as a reader that falls behind would;
    /// returns once it waits (tests). Barriers are re-sent until then, as a lone one can sit in TraceEvent's reorder cache.
    /// </summary>
    internal void BlockForTests(ManualResetEventSlim release)
    {
        using var blocked = new ManualResetEventSlim();
        long barrier = PostToReader(() =>
        {
            blocked.Set();
            release.Wait(TimeSpan.FromMinutes(1));
        });
        var clock = Stopwatch.StartNew();
        while (!blocked.Wait(BarrierRepeat))
        {
            if (clock.Elapsed > RundownTimeout)
            {
                throw new TimeoutException("The reader did not reach the blocking request.");
            }

            MemTrackEventSource.Log.Barrier(barrier);
        }
    }

    /// <summary>
    /// Creates, before the session starts, the event sources the reader thread would otherwise create lazily
    /// while the runtime holds the EventPipe lock (the stop-time deadlock of dotnet/runtime#1892).
    /// </summary>
    private static void WarmUpLazyEventSources()
    {
        _ = MemTrackEventSource.Log.Guid;
        _ = MemTrackDiagnostics.Log.Guid;
        ArrayPool<byte>.Shared.Return(ArrayPool<byte>.Shared.Rent(16));
        Task.Run(static () => { }).Wait(TimeSpan.FromSeconds(5));
    }

    private void ReadLoop()
    {
        ReaderThreadId = NativeThread.CurrentId();
        try
        {
            ReadRundown();
            _source = TraceLog.CreateFromEventPipeSession(_session, TraceLog.EventPipeRundownConfiguration.None());
            TraceLog log = _source.TraceLog;
            _eventPipeSource = EventPipeSourceOf(log);
            _subscribe(_source, log, ReaderThreadId);
            _source.UnhandledEvents += OnUnhandledEvent;
            _ready.Set();
            _source.Process();
        }
        catch (Exception ex)
        {
            // Reported to waiting callers and to the tracer's health; never thrown at the application.
            // An error of the stream at process exit (the runtime ends the session) is the expected end, not a failure.
            if (!_stopping && !_endExpected.IsSet)
            {
                _failure = ex;
            }
        }
        finally
        {
            bool started = _ready.IsSet;
            _ready.Set();
            _finished.Set();
            FailPending(EndedError() ?? new MemTrackException(StoppedMessage));
            if (started && !_stopping)
            {
                ReportUnaskedEnd();
            }
        }
    }

    /// <summary>
    /// Tells the tracer when the session ended without <see cref="Stop"/>: a failure at once, a plain end of the stream
    /// after a grace period. Never throws: this is the last thing the reader thread does, and an exception here would
    /// end the process.
    /// </summary>
    private void ReportUnaskedEnd()
    {
        try
        {
            if (_failure is { } failure)
            {
                _onEnded(failure);
            }
            else if (!_endExpected.Wait(UnexpectedEndGrace))
            {
                _onEnded(null);
            }
        }
        catch (Exception ex)
        {
            BackgroundFaults.ReportingFailed(ex);
        }
    }

    /// <summary>
    /// The EventPipe reader under a real-time TraceLog, which counts the events the runtime dropped. The TraceLog and
    /// its TraceLogEventSource report the count they had when created (0) and never update it in real time
    /// (TraceEvent 4.0.0), so the tracer reads the reader's own count through TraceLog's private field; null if a
    /// TraceEvent version renames it (then lost events read 0, and a test fails).
    /// </summary>
    private static TraceEventDispatcher? EventPipeSourceOf(TraceLog log) =>
        typeof(TraceLog).GetField("rawEventSourceToConvert", BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(log) as TraceEventDispatcher;

    /// <summary>Names the code that was loaded before the session: a short rundown session, read on this thread.</summary>
    private void ReadRundown()
    {
        EventPipeSession rundown;
        try
        {
            rundown = _client.StartEventPipeSession(SessionProviders.Rundown(), requestRundown: true, circularBufferMB: SessionProviders.CircularBufferMB);
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or IOException or ServerErrorException or TimeoutException)
        {
            // Without a rundown, frames of methods jitted before Start stay unnamed; allocation sampling still works.
            return;
        }

        using (rundown)
        {
            var source = new EventPipeEventSource(rundown.EventStream);
            var parser = new ClrRundownTraceEventParser(source);
            parser.LoaderModuleDCStop += data => _frames.AddModule((ulong)data.ModuleID, data.ModuleILPath);
            parser.MethodILToNativeMapDCStop += _frames.OnIlMap;
            parser.MethodDCStopVerbose += _frames.OnMethodLoad;
            Task stop = SessionConnection.StopInBackground(rundown);
            using var watchdog = new Timer(_ => SessionConnection.DisposeQuietly(rundown), null, RundownTimeout, Timeout.InfiniteTimeSpan);
            try
            {
                source.Process();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or EndOfStreamException)
            {
                // Cut short by the watchdog: keep what was read.
            }

            _ = stop.Wait(RundownTimeout);
            source.Dispose();
        }
    }

    private void OnUnhandledEvent(TraceEvent data)
    {
        if (HasUrgentRequest)
        {
            RunUrgentRequest(data);
        }

        long barrier;
        try
        {
            if (data.ProviderGuid != MemTrackEventSource.Log.Guid || (int)data.ID != MemTrackEventSource.BarrierEventId)
            {
                return;
            }

            byte[] payload = data.EventData();
            if (payload.Length < sizeof(long))
            {
                return;
            }

            barrier = BitConverter.ToInt64(payload, 0);
        }
        catch (Exception ex)
        {
            _onEventError(data, ex);
            return;
        }

        // Each request catches its own exceptions (ReaderRequest.Run).
        while (true)
        {
            ReaderRequest? next = null;
            lock (_pending)
            {
                int index = _pending.FindIndex(request => request.BarrierId <= barrier);
                if (index >= 0)
                {
                    next = _pending[index];
                    _pending.RemoveAt(index);
                }
            }

            if (next is null)
            {
                return;
            }

            next.Run();
        }
    }

    private void FailPending(Exception error)
    {
        ReaderRequest[] pending;
        lock (_pending)
        {
            pending = [.. _pending];
            _pending.Clear();
        }

        Interlocked.Exchange(ref _urgent, null)?.Fail(error);

        foreach (ReaderRequest request in pending)
        {
            request.Fail(error);
        }
    }

    /// <summary>Throws when the reader has ended: it failed, or the session ended (stopped, or ended under the tracer).</summary>
    private void ThrowIfEnded()
    {
        if (EndedError() is { } error)
        {
            throw error;
        }
    }

    /// <summary>Why requests cannot run any more, or null while the reader runs.</summary>
    private MemTrackException? EndedError()
    {
        if (_failure is Exception failure)
        {
            return new MemTrackException(
                $"The tracer's reader failed ({BackgroundFaults.Describe(failure)}); see MemTracker.Health. {BackgroundFaults.RestartHint}",
                failure);
        }

        if (!_finished.IsSet)
        {
            return null;
        }

        return _stopping
            ? new MemTrackException(StoppedMessage)
            : new MemTrackException("The tracing session ended under the tracer (see MemTracker.Health). " + BackgroundFaults.RestartHint);
    }
}
