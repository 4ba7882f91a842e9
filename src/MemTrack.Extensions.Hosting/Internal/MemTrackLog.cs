using Microsoft.Extensions.Logging;

namespace MemTrack.Extensions.Hosting.Internal;

/// <summary>
/// Every entry the host integration logs, with a stable event id each. Sizes are bytes; estimates come with the
/// half-width of their 95% confidence interval (<c>SizeMargin</c>). <c>Report</c> is "shutdown" or "periodic".
/// </summary>
internal static partial class MemTrackLog
{
    // Event ids are part of the contract (log queries and alerts use them): never renumber, only add.
    public const int TracingStartedId = 1;
    public const int UsingRunningTracerId = 2;
    public const int TracingUnavailableId = 3;
    public const int SummaryId = 4;
    public const int SummaryWithoutLiveDataId = 5;
    public const int LiveSiteId = 6;
    public const int AllocatedSiteId = 7;
    public const int ReportFailedId = 8;
    public const int ShutdownReportAbandonedId = 9;
    public const int TracingStoppedId = 10;
    public const int TracingKeptForExitReportId = 11;

    [LoggerMessage(EventId = TracingStartedId, EventName = nameof(TracingStarted), Level = LogLevel.Information,
        Message = "MemTrack is tracing allocations (depth {Depth}, live objects tracked: {TrackLiveObjects}); the top {Top} sites by {Key} are logged {Schedule}")]
    public static partial void TracingStarted(ILogger logger, int depth, bool trackLiveObjects, int top, KeyType key, string schedule);

    [LoggerMessage(EventId = UsingRunningTracerId, EventName = nameof(UsingRunningTracer), Level = LogLevel.Information,
        Message = "MemTrack was already tracing (depth {Depth}) when the host started: the host reports from that tracer and leaves it running")]
    public static partial void UsingRunningTracer(ILogger logger, int depth);

    [LoggerMessage(EventId = TracingUnavailableId, EventName = nameof(TracingUnavailable), Level = LogLevel.Warning,
        Message = "MemTrack could not start tracing; the application runs untraced: {Reason}")]
    public static partial void TracingUnavailable(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(EventId = SummaryId, EventName = nameof(Summary),
        Message = "MemTrack {Report} report: {ExactAllocatedBytes} B allocated since MemTracker.Start or the last ClearTraces (exact); traced live memory {TracedLiveBytes} B, peak {TracedPeakBytes} B (estimates); tracer memory {TracerMemoryBytes} B; {LostEvents} lost events")]
    public static partial void Summary(ILogger logger, LogLevel level, string report, long exactAllocatedBytes, long tracedLiveBytes, long tracedPeakBytes, long tracerMemoryBytes, long lostEvents);

    [LoggerMessage(EventId = SummaryWithoutLiveDataId, EventName = nameof(SummaryWithoutLiveData),
        Message = "MemTrack {Report} report: {ExactAllocatedBytes} B allocated since MemTracker.Start or the last ClearTraces (exact); live objects are not tracked; tracer memory {TracerMemoryBytes} B; {LostEvents} lost events")]
    public static partial void SummaryWithoutLiveData(ILogger logger, LogLevel level, string report, long exactAllocatedBytes, long tracerMemoryBytes, long lostEvents);

    [LoggerMessage(EventId = LiveSiteId, EventName = nameof(LiveSite),
        Message = "MemTrack {Report} live #{Rank}: {Location} {TypeName} {LiveBytes} B ±{SizeMargin} B (95%), {Count} objects, {Samples} samples")]
    public static partial void LiveSite(ILogger logger, LogLevel level, string report, int rank, string location, string typeName, long liveBytes, long sizeMargin, long count, long samples);

    [LoggerMessage(EventId = AllocatedSiteId, EventName = nameof(AllocatedSite),
        Message = "MemTrack {Report} allocated #{Rank}: {Location} {TypeName} {AllocatedBytes} B ±{SizeMargin} B (95%), {Count} objects, {Samples} samples")]
    public static partial void AllocatedSite(ILogger logger, LogLevel level, string report, int rank, string location, string typeName, long allocatedBytes, long sizeMargin, long count, long samples);

    [LoggerMessage(EventId = ReportFailedId, EventName = nameof(ReportFailed), Level = LogLevel.Warning,
        Message = "MemTrack could not make its {Report} report: {Reason}")]
    public static partial void ReportFailed(ILogger logger, string report, string reason, Exception exception);

    [LoggerMessage(EventId = ShutdownReportAbandonedId, EventName = nameof(ShutdownReportAbandoned), Level = LogLevel.Warning,
        Message = "MemTrack's shutdown report was abandoned: {Reason}")]
    public static partial void ShutdownReportAbandoned(ILogger logger, string reason);

    [LoggerMessage(EventId = TracingStoppedId, EventName = nameof(TracingStopped), Level = LogLevel.Information,
        Message = "MemTrack stopped tracing")]
    public static partial void TracingStopped(ILogger logger);

    [LoggerMessage(EventId = TracingKeptForExitReportId, EventName = nameof(TracingKeptForExitReport), Level = LogLevel.Information,
        Message = "MemTrack leaves the tracer running: its exit report (MemTrackerOptions.ExitReport) is written when the process exits, and only while tracing is on")]
    public static partial void TracingKeptForExitReport(ILogger logger);
}
