namespace MemTrack.Internal.Diagnostics;

/// <summary>
/// The one place MemTrack's background work reports what went wrong: the reader thread, the exit report, metrics
/// callbacks, health handlers and the hosting package's service. Each report goes to the tracer's health (when it
/// concerns the tracer) and to the <c>MemTrack</c> event source (<see cref="MemTrackDiagnostics"/>); none throws,
/// so the caller can go on.
/// </summary>
internal static class BackgroundFaults
{
    /// <summary>Repeated decode errors and lost events are logged at most this often (the first one at once).</summary>
    public static readonly TimeSpan RepeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>What a user does after the tracer failed, ending every message that says it did.</summary>
    public const string RestartHint = "Call MemTracker.Stop() and MemTracker.Start() to trace again.";

    private static MemTrackDiagnostics Log => MemTrackDiagnostics.Log;

    /// <summary>The reader stopped on <paramref name="error"/>: the tracer has failed.</summary>
    public static void ReaderFailed(HealthMonitor health, Exception error)
    {
        string message = $"The tracer's reader failed ({Describe(error)}), so tracing has stopped: snapshots throw MemTrackException. "
            + RestartHint;
        if (health.OnFailed(message, error) && Log.IsEnabled())
        {
            Log.ReaderFailed(Describe(error));
        }
    }

    /// <summary>The session's stream ended without a stop: the tracer has failed.</summary>
    public static void SessionEnded(HealthMonitor health)
    {
        const string message = "The runtime ended the tracing session without MemTracker.Stop() (a diagnostics tool stopped it, or "
            + "its connection broke), so tracing has stopped: snapshots throw MemTrackException. " + RestartHint;
        if (health.OnFailed(message, null) && Log.IsEnabled())
        {
            Log.SessionEnded(message);
        }
    }

    /// <summary>TraceEvent counts <paramref name="total"/> dropped events so far.</summary>
    public static void EventsLost(HealthMonitor health, long total)
    {
        if (health.OnLostEvents(total, RepeatInterval) && Log.IsEnabled())
        {
            Log.EventsLost(total);
        }
    }

    /// <summary>A handler of the reader threw on an event, which was skipped.</summary>
    public static void DecodeError(HealthMonitor health, string eventName, Exception error)
    {
        (long count, bool log) = health.OnDecodeError(eventName, error, RepeatInterval);
        if (log && Log.IsEnabled())
        {
            Log.DecodeError(eventName, Describe(error), count);
        }
    }

    /// <summary>Start could not open the session and degraded, as the options allow.</summary>
    public static void DegradedMode(Exception cause)
    {
        if (Log.IsEnabled())
        {
            Log.DegradedMode(Describe(cause));
        }
    }

    public static void ExitReportFailed(string message)
    {
        if (Log.IsEnabled())
        {
            Log.ExitReportFailed(message);
        }
    }

    public static void MetricsCallbackFailed(string instrument, Exception error)
    {
        if (Log.IsEnabled())
        {
            Log.MetricsCallbackFailed(instrument, Describe(error));
        }
    }

    public static void HealthHandlerFailed(Exception error)
    {
        if (Log.IsEnabled())
        {
            Log.HealthHandlerFailed(Describe(error));
        }
    }

    /// <summary>The hosting package's service caught <paramref name="error"/> while it tried to <paramref name="operation"/>.</summary>
    public static void HostedServiceFailed(string operation, Exception error)
    {
        if (Log.IsEnabled())
        {
            Log.HostedServiceFailed(operation, Describe(error));
        }
    }

    /// <summary>A heap capture's naming step threw <paramref name="error"/>; the capture kept the runtime's own root names.</summary>
    public static void HeapNamingFailed(Exception error)
    {
        if (Log.IsEnabled())
        {
            Log.HeapNamingFailed(Describe(error));
        }
    }

    /// <summary>Reporting a fault failed in turn (never expected): the event source gets it as a reader failure, the health cannot.</summary>
    public static void ReportingFailed(Exception error)
    {
        if (Log.IsEnabled())
        {
            Log.ReaderFailed("reporting a fault failed: " + Describe(error));
        }
    }

    /// <summary>The exception's type and message on one line.</summary>
    public static string Describe(Exception error) => $"{error.GetType().Name}: {error.Message.ReplaceLineEndings(" ")}";
}
