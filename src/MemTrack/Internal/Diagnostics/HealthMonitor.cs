namespace MemTrack.Internal.Diagnostics;

/// <summary>
/// The health of one tracer: what degraded or failed it, and the <see cref="TracerHealth"/> that says so. Thread-safe
/// (the reader thread, the application's threads and the exit path all report here). Each change of state is raised
/// through <see cref="HealthNotifier"/>; once <see cref="Close"/>d (the tracer stopped), reports are ignored.
/// </summary>
internal sealed class HealthMonitor
{
    private readonly Lock _gate = new();
    private string? _degradedMode;
    private TracerHealth _current;
    private long _lostEvents;
    private long _decodeErrors;
    private string? _firstDecodeError;
    private string? _failure;
    private Exception? _error;
    private bool _closed;
    private bool _stale;
    private long _lostLoggedAt = long.MinValue;
    private long _decodeLoggedAt = long.MinValue;

    /// <summary>
    /// The health of a tracer being started: it takes reports at once (the reader may fail before the start returns)
    /// and raises its first state at <see cref="Begin"/>.
    /// </summary>
    public HealthMonitor()
    {
        _current = Build(DateTimeOffset.Now);
    }

    /// <summary>The health now (rebuilt here when only the counts changed since, so that a burst of errors stays cheap).</summary>
    public TracerHealth Current
    {
        get
        {
            lock (_gate)
            {
                if (_stale)
                {
                    _current = Build(_current.Since);
                    _stale = false;
                }

                return _current;
            }
        }
    }

    public long LostEvents => Interlocked.Read(ref _lostEvents);

    public long DecodeErrors => Interlocked.Read(ref _decodeErrors);

    /// <summary>The health of no tracer.</summary>
    public static TracerHealth Off(DateTimeOffset since) =>
        new(TracerState.Off, "Tracing is off; MemTracker.Start() starts it.", null, 0, 0, since);

    /// <summary>
    /// The start is over: running, or in degraded mode when <paramref name="degradedMode"/> (why) is given. Raises the
    /// first state.
    /// </summary>
    public void Begin(string? degradedMode = null, Exception? cause = null)
    {
        lock (_gate)
        {
            _degradedMode = degradedMode;
            _error ??= cause;
            _current = Build(DateTimeOffset.Now);
            _stale = false;
            HealthNotifier.Raise(_current);
        }
    }

    /// <summary>Records that the runtime dropped <paramref name="total"/> events so far; returns whether to log it now (the first time, then at most every <paramref name="repeat"/>).</summary>
    public bool OnLostEvents(long total, TimeSpan repeat)
    {
        lock (_gate)
        {
            if (_closed || total <= _lostEvents)
            {
                return false;
            }

            Interlocked.Exchange(ref _lostEvents, total);
            Publish();
            return Due(ref _lostLoggedAt, repeat);
        }
    }

    /// <summary>Records an event that could not be decoded; returns the count so far and whether to log it now.</summary>
    public (long Count, bool Log) OnDecodeError(string eventName, Exception error, TimeSpan repeat)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return (_decodeErrors, false);
            }

            long count = Interlocked.Increment(ref _decodeErrors);
            if (_firstDecodeError is null)
            {
                _firstDecodeError = eventName + ": " + BackgroundFaults.Describe(error);
                _error ??= error;
            }

            Publish();
            return (count, Due(ref _decodeLoggedAt, repeat));
        }
    }

    /// <summary>Marks the tracer failed, unless it already is (the first cause is kept) or stopped; returns whether it was marked.</summary>
    public bool OnFailed(string message, Exception? error)
    {
        lock (_gate)
        {
            if (_closed || _failure is not null)
            {
                return false;
            }

            _failure = message;
            _error = error; // a clean end of the session has no exception: an earlier decode error is not its cause
            Publish();
            return true;
        }
    }

    /// <summary>Ignores every later report (the tracer stopped).</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    private static bool Due(ref long loggedAt, TimeSpan repeat)
    {
        long now = Environment.TickCount64;
        if (loggedAt != long.MinValue && now - loggedAt < (long)repeat.TotalMilliseconds)
        {
            return false;
        }

        loggedAt = now;
        return true;
    }

    /// <summary>
    /// After a report (under the lock): when the state changed, builds the new health and raises it; otherwise only
    /// marks the health stale, to be rebuilt when read.
    /// </summary>
    private void Publish()
    {
        if (StateNow() == _current.State)
        {
            _stale = true;
            return;
        }

        _current = Build(DateTimeOffset.Now);
        _stale = false;
        HealthNotifier.Raise(_current);
    }

    private TracerState StateNow() =>
        _failure is not null ? TracerState.Failed
        : _degradedMode is not null || _lostEvents > 0 || _decodeErrors > 0 ? TracerState.Degraded
        : TracerState.Running;

    private TracerHealth Build(DateTimeOffset since)
    {
        switch (StateNow())
        {
            case TracerState.Failed:
                return new TracerHealth(TracerState.Failed, _failure!, _error, _lostEvents, _decodeErrors, since);
            case TracerState.Running:
                return new TracerHealth(TracerState.Running, "Tracing runs; no event was lost.", null, 0, 0, since);
        }

        var reasons = new List<string>(3);
        if (_degradedMode is not null)
        {
            reasons.Add(
                "MemTrack runs in degraded mode (MemTrackerOptions.AllowDegradedMode): snapshots hold the exact allocated total "
                + "(ExactAllocatedBytes) only, without allocation sites, because it could not open its tracing session. " + _degradedMode);
        }

        if (_lostEvents > 0)
        {
            reasons.Add(
                $"{_lostEvents} events were lost: the runtime dropped them because the tracer's reader fell behind and the session "
                + "buffer filled. Estimates from then on are too low, and snapshots and reports say so; Stop and Start again for complete data.");
        }

        if (_decodeErrors > 0)
        {
            reasons.Add(
                $"{_decodeErrors} events could not be decoded and were skipped (first: {_firstDecodeError}), so estimates are too low. "
                + "This is a bug of MemTrack or TraceEvent; please report it with this message.");
        }

        return new TracerHealth(TracerState.Degraded, string.Join(' ', reasons), _error, _lostEvents, _decodeErrors, since);
    }
}
