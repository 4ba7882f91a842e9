using System.Diagnostics.Tracing;

namespace MemTrack.Internal.Diagnostics;

/// <summary>
/// MemTrack's self-diagnostics: the tracer's background failures and health changes, for <c>dotnet-trace collect
/// --providers MemTrack</c> or an <see cref="EventListener"/>. Written only through <see cref="BackgroundFaults"/>. It is
/// never enabled in the tracer's own EventPipe session (that one carries only the runtime's events and
/// <c>MemTrack-Internal</c>'s barriers), so writing here cannot feed the tracer. Decode errors and lost events are
/// rate-limited: the first, then counts at most every <see cref="BackgroundFaults.RepeatInterval"/>.
/// </summary>
[EventSource(Name = SourceName)]
internal sealed class MemTrackDiagnostics : EventSource
{
    public const string SourceName = "MemTrack";

    public const int HealthChangedId = 1;
    public const int ReaderFailedId = 2;
    public const int SessionEndedId = 3;
    public const int EventsLostId = 4;
    public const int DecodeErrorId = 5;
    public const int DegradedModeId = 6;
    public const int ExitReportFailedId = 7;
    public const int MetricsCallbackFailedId = 8;
    public const int HealthHandlerFailedId = 9;
    public const int HostedServiceFailedId = 10;
    public const int HeapNamingFailedId = 11;

    private MemTrackDiagnostics()
    {
    }

    public static MemTrackDiagnostics Log { get; } = new();

    /// <summary>The tracer's state changed (see <see cref="TracerHealth"/>).</summary>
    [Event(HealthChangedId, Level = EventLevel.Informational, Message = "MemTrack is {0}: {1}")]
    public void HealthChanged(string state, string message) => WriteEvent(HealthChangedId, state, message);

    /// <summary>The reader thread stopped on an exception; tracing has failed.</summary>
    [Event(ReaderFailedId, Level = EventLevel.Error, Message = "The MemTrack reader failed: {0}")]
    public void ReaderFailed(string error) => WriteEvent(ReaderFailedId, error);

    /// <summary>The tracing session ended without <see cref="MemTracker.Stop"/>; tracing has failed.</summary>
    [Event(SessionEndedId, Level = EventLevel.Error, Message = "{0}")]
    public void SessionEnded(string message) => WriteEvent(SessionEndedId, message);

    /// <summary>The runtime dropped events of the tracing session (<paramref name="total"/> since Start).</summary>
    [Event(EventsLostId, Level = EventLevel.Warning, Message = "MemTrack lost {0} events so far; its estimates are too low.")]
    public void EventsLost(long total) => WriteEvent(EventsLostId, total);

    /// <summary>
    /// An event could not be decoded and was skipped; <paramref name="count"/> is the number so far, and
    /// <paramref name="eventName"/> and <paramref name="error"/> describe the latest one.
    /// </summary>
    [Event(DecodeErrorId, Level = EventLevel.Warning, Message = "MemTrack could not decode {2} events so far; latest: {0}: {1}")]
    public void DecodeError(string eventName, string error, long count) => WriteEvent(DecodeErrorId, eventName, error, count);

    /// <summary>Start could not open the tracing session and the tracer runs in degraded mode (exact totals only).</summary>
    [Event(DegradedModeId, Level = EventLevel.Warning, Message = "MemTrack runs in degraded mode: {0}")]
    public void DegradedMode(string reason) => WriteEvent(DegradedModeId, reason);

    /// <summary>The exit report was not written.</summary>
    [Event(ExitReportFailedId, Level = EventLevel.Error, Message = "The MemTrack exit report failed: {0}")]
    public void ExitReportFailed(string error) => WriteEvent(ExitReportFailedId, error);

    /// <summary>A callback of the MemTrack meter threw; the instrument reported nothing that time.</summary>
    [Event(MetricsCallbackFailedId, Level = EventLevel.Warning, Message = "The MemTrack metric {0} failed: {1}")]
    public void MetricsCallbackFailed(string instrument, string error) => WriteEvent(MetricsCallbackFailedId, instrument, error);

    /// <summary>A handler of <see cref="MemTracker.HealthChanged"/> threw; the exception was caught.</summary>
    [Event(HealthHandlerFailedId, Level = EventLevel.Warning, Message = "A MemTracker.HealthChanged handler threw: {0}")]
    public void HealthHandlerFailed(string error) => WriteEvent(HealthHandlerFailedId, error);

    /// <summary>The hosting package's service caught a failure (a report, or stopping the tracer) and went on.</summary>
    [Event(HostedServiceFailedId, Level = EventLevel.Warning, Message = "The MemTrack hosted service could not {0}: {1}")]
    public void HostedServiceFailed(string operation, string error) => WriteEvent(HostedServiceFailedId, operation, error);

    /// <summary>A heap capture could not name its roots from this process's metadata; it kept the runtime's names.</summary>
    [Event(HeapNamingFailedId, Level = EventLevel.Warning, Message = "A MemTrack heap capture kept the runtime's root names: naming them failed: {0}")]
    public void HeapNamingFailed(string error) => WriteEvent(HeapNamingFailedId, error);
}
