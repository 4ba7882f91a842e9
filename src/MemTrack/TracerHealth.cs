using System.Globalization;
using System.Text;

namespace MemTrack;

/// <summary>
/// What <see cref="MemTracker.Health"/> says about the tracer at one moment: its <see cref="State"/>, why, and what it
/// lost. Failures of the tracer's background work (its event reader, the exit report, metrics) never surface as
/// exceptions on the application's threads; they show here, through <see cref="MemTracker.HealthChanged"/> and through
/// the <c>MemTrack</c> event source (docs/reliability.md). Immutable and safe to share between threads.
/// </summary>
public sealed class TracerHealth
{
    internal TracerHealth(TracerState state, string message, Exception? error, long lostEvents, long decodeErrors, DateTimeOffset since)
    {
        State = state;
        Message = message;
        Error = error;
        LostEvents = lostEvents;
        DecodeErrors = decodeErrors;
        Since = since;
    }

    /// <summary>The state.</summary>
    public TracerState State { get; }

    /// <summary>Why the tracer is in this state, and what to do about it.</summary>
    public string Message { get; }

    /// <summary>The exception that failed or degraded the tracer's background work, if one did; otherwise null.</summary>
    public Exception? Error { get; }

    /// <summary>
    /// Events of the tracing session that the runtime dropped since <see cref="MemTracker.Start(int)"/>, as TraceEvent
    /// counts them from gaps in the sequence numbers of each thread's events (docs/reliability.md). When non-zero, the
    /// estimates of every later snapshot are too low.
    /// </summary>
    public long LostEvents { get; }

    /// <summary>Events the tracer received but could not decode since <see cref="MemTracker.Start(int)"/>; each was skipped and tracing went on.</summary>
    public long DecodeErrors { get; }

    /// <summary>When the tracer entered <see cref="State"/>.</summary>
    public DateTimeOffset Since { get; }

    /// <summary>One line: the state, since when, the counts when non-zero, and the message.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{State} since {Since:yyyy-MM-dd HH:mm:ss zzz}");
        if (LostEvents > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {LostEvents} lost events");
        }

        if (DecodeErrors > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {DecodeErrors} decode errors");
        }

        return text.Append(": ").Append(Message).ToString();
    }
}
