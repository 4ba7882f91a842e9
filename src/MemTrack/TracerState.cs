namespace MemTrack;

/// <summary>The state of the tracer, as <see cref="MemTracker.Health"/> reports it.</summary>
public enum TracerState
{
    /// <summary>Tracing is off: <see cref="MemTracker.Start(int)"/> was not called, or <see cref="MemTracker.Stop"/> was.</summary>
    Off,

    /// <summary>Tracing runs and nothing was lost so far.</summary>
    Running,

    /// <summary>
    /// Tracing runs, but its data is incomplete: events were lost or could not be decoded (estimates are too low), or
    /// the tracer runs in degraded mode (<see cref="MemTrackerOptions.AllowDegradedMode"/>: exact totals only).
    /// </summary>
    Degraded,

    /// <summary>
    /// Tracing has stopped working: the tracing session ended or its reader failed. Snapshots throw
    /// <see cref="MemTrackException"/>; <see cref="MemTracker.Stop"/> and then <see cref="MemTracker.Start(int)"/> start afresh.
    /// </summary>
    Failed,
}
