using System.Diagnostics.Tracing;
using MemTrack.Internal.Diagnostics;
using MemTrack.Internal.Session;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests.Internal.Diagnostics;

public sealed class MemTrackDiagnosticsTests
{
    [Fact]
    public void TheEventSourceIsNamedMemTrackAndItsManifestIsValid()
    {
        Assert.Equal("MemTrack", MemTrackDiagnostics.Log.Name);
        string manifest = EventSource.GenerateManifest(typeof(MemTrackDiagnostics), typeof(MemTrackDiagnostics).Assembly.Location, EventManifestOptions.Strict)!;
        Assert.Contains("name=\"MemTrack\"", manifest, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheTracersOwnSessionNeverEnablesIt(bool trackLiveObjects)
    {
        // Writing these events from the reader thread must not feed the tracer's own session.
        Assert.DoesNotContain(SessionProviders.Tracing(trackLiveObjects, richDebugInfo: false), p => p.Name == MemTrackDiagnostics.SourceName);
        Assert.DoesNotContain(SessionProviders.Rundown(), p => p.Name == MemTrackDiagnostics.SourceName);
    }

    [Fact]
    public void EachBackgroundFaultIsOneEventWithItsLevelAndPayload()
    {
        using var listener = new DiagnosticsListener();
        string marker = Guid.NewGuid().ToString("N");
        var health = new HealthMonitor();
        health.Begin();

        BackgroundFaults.ExitReportFailed("exit " + marker);
        BackgroundFaults.MetricsCallbackFailed("memtrack.samples", new InvalidOperationException("metrics " + marker));
        BackgroundFaults.HostedServiceFailed("write the periodic report", new InvalidOperationException("hosted " + marker));
        BackgroundFaults.DegradedMode(new DiagnosticsUnavailableException("degraded " + marker));
        BackgroundFaults.EventsLost(health, 42);
        BackgroundFaults.ReaderFailed(health, new IOException("reader " + marker));

        Assert.Equal(EventLevel.Error, Single(listener, MemTrackDiagnostics.ExitReportFailedId, "error", "exit " + marker).Level);
        Assert.Equal(EventLevel.Warning, Single(listener, MemTrackDiagnostics.MetricsCallbackFailedId, "error", "InvalidOperationException: metrics " + marker).Level);
        Assert.Equal(EventLevel.Warning, Single(listener, MemTrackDiagnostics.HostedServiceFailedId, "error", "InvalidOperationException: hosted " + marker).Level);
        Assert.Equal(EventLevel.Warning, Single(listener, MemTrackDiagnostics.DegradedModeId, "reason", "DiagnosticsUnavailableException: degraded " + marker).Level);
        Assert.Equal(EventLevel.Error, Single(listener, MemTrackDiagnostics.ReaderFailedId, "error", "IOException: reader " + marker).Level);
        Assert.Contains(listener.Of(MemTrackDiagnostics.EventsLostId), e => Equals(e["total"], 42L));

        // The health changes went out too: Running (Begin), Degraded (lost events), Failed.
        List<string> states = [.. listener.Events.Where(e => e.EventId == MemTrackDiagnostics.HealthChangedId).Select(e => (string)e.Payload![0]!)];
        Assert.Contains("Running", states);
        Assert.True(states.IndexOf("Running") < states.IndexOf("Degraded") && states.IndexOf("Degraded") < states.LastIndexOf("Failed"), string.Join(", ", states));
    }

    private static EventWrittenEventArgs Single(DiagnosticsListener listener, int eventId, string field, string expected) =>
        Assert.Single(listener.Events, e => e.EventId == eventId && Equals(e.Payload![e.PayloadNames!.IndexOf(field)], expected));
}
