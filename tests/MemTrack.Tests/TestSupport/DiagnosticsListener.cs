using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using MemTrack.Internal.Diagnostics;

namespace MemTrack.Tests.TestSupport;

/// <summary>Listens to MemTrack's self-diagnostics event source ("MemTrack") in this process and keeps what it wrote.</summary>
internal sealed class DiagnosticsListener : EventListener
{
    private readonly ConcurrentQueue<EventWrittenEventArgs> _events = new();

    public IReadOnlyList<EventWrittenEventArgs> Events => [.. _events];

    /// <summary>The events with <paramref name="eventId"/>, as name=value payload maps.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Of(int eventId) =>
        [.. _events.Where(e => e.EventId == eventId).Select(e => (IReadOnlyDictionary<string, object?>)e.PayloadNames!.Zip(e.Payload!).ToDictionary(p => p.First, p => p.Second))];

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == MemTrackDiagnostics.SourceName)
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventSource.Name == MemTrackDiagnostics.SourceName)
        {
            _events.Enqueue(eventData);
        }
    }
}
