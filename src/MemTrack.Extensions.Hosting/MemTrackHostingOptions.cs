using Microsoft.Extensions.Logging;

namespace MemTrack.Extensions.Hosting;

/// <summary>
/// Settings for <c>services.AddMemTrack(...)</c>: how the host's tracer is started and what it logs. Checked when the
/// host starts; a value out of range fails the start with an <c>OptionsValidationException</c> naming it.
/// </summary>
public sealed class MemTrackHostingOptions
{
    /// <summary>
    /// The options the host starts the tracer with. Default <c>new MemTrackerOptions()</c>: depth 1 (the logs name the
    /// innermost source line of each site, which is all <see cref="KeyType.LineNo"/> needs), framework frames hidden,
    /// live objects tracked. Raise <see cref="MemTrackerOptions.Depth"/> for <see cref="KeyType.Traceback"/>
    /// (sites then differ by their callers too; the logs still name the innermost line). Values
    /// out of range fail the host's start with <see cref="ArgumentOutOfRangeException"/> naming the option. Unused
    /// when the tracer is already running when the host starts. With <see cref="MemTrackerOptions.ExitReport"/> set, the
    /// host leaves the tracer running at shutdown (see <see cref="StopTracerOnShutdown"/>), since the exit report is
    /// written only if tracing is still on when the process exits.
    /// </summary>
    public MemTrackerOptions Tracer { get; set; } = new();

    /// <summary>How many allocation sites each report logs per view (live and allocated). Default 10; at least 1.</summary>
    public int Top { get; set; } = 10;

    /// <summary>What a site is in the reports: default <see cref="KeyType.LineNo"/>, the source line that allocated.</summary>
    public KeyType Key { get; set; } = KeyType.LineNo;

    /// <summary>
    /// Default null: one report, when the host stops. When set, a report is also logged every interval while the host
    /// runs; it must be positive (at least 1 ms). Each report takes a snapshot (about 0.1 to 0.5 s of a pool thread).
    /// </summary>
    public TimeSpan? LogInterval { get; set; }

    /// <summary>
    /// The level of the report entries (the summary and one entry per site). Default <see cref="LogLevel.Information"/>.
    /// When the "MemTrack" category is not enabled at this level, no snapshot is taken for reports.
    /// </summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>
    /// Default true: the tracer the host started is stopped once the host has stopped (or, when the host's start
    /// failed, when the host is disposed). A tracer that was already running when the host started is never stopped
    /// by the host. Nor is one started with an exit report (<see cref="Tracer"/>'s
    /// <see cref="MemTrackerOptions.ExitReport"/>): that report is written at process exit only if tracing is still on
    /// then, so the host leaves the tracer running and logs that it does.
    /// </summary>
    public bool StopTracerOnShutdown { get; set; } = true;
}
