using MemTrack.Internal;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests.Internal;

[Collection(TracerCollection.Name)]
public sealed class TracerTests
{
    [Fact]
    public void TrimmingTraceLogTablesKeepsStatisticsRight()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 10 }, trimThreshold: 50);
        long start = GC.GetAllocatedBytesForCurrentThread();
        var values = Workloads.Run(5_000);
        long exact = GC.GetAllocatedBytesForCurrentThread() - start;
        Snapshot snapshot = tracer.TakeSnapshot(collect: false);
        GC.KeepAlive(values);

        Assert.True(tracer.Trims > 0, "the tables were never trimmed");
        double estimate = snapshot.Traces.Where(t => t.Traceback.Any(f => f.Method.Contains("Workloads.", StringComparison.Ordinal))).Sum(t => (double)t.Size);
        Assert.InRange(estimate / exact, 0.85, 1.15);
        Assert.Contains(snapshot.Traces, t => t.Traceback.Count > 0 && t.Traceback[0].LineNumber == Workloads.MyObject.DataLine);
    }

    [Fact]
    public void RequestsAfterStopFailClearly()
    {
        MemTracker.Stop();
        var tracer = new Tracer(new MemTrackerOptions());
        Assert.True(tracer.Stop(TimeSpan.FromSeconds(5)));
        Assert.ThrowsAny<ObjectDisposedException>(() => tracer.TakeSnapshot(collect: false));
        tracer.Dispose();
    }
}
