using System.Diagnostics.Tracing;

namespace MemTrack.Internal.Session;

/// <summary>
/// MemTrack's own event source. Its <see cref="Barrier"/> event goes through the tracer's EventPipe session like
/// the allocation events: when the reader sees barrier N, every event written before it has been processed.
/// </summary>
[EventSource(Name = ProviderName)]
internal sealed class MemTrackEventSource : EventSource
{
    public const string ProviderName = "MemTrack-Internal";
    public const int BarrierEventId = 1;

    private MemTrackEventSource()
    {
    }

    public static MemTrackEventSource Log { get; } = new();

    [Event(BarrierEventId, Level = EventLevel.Informational)]
    public void Barrier(long id) => WriteEvent(BarrierEventId, id);
}
