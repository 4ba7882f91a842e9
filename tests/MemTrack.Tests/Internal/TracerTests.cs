using MemTrack.Internal;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests.Internal;

[Collection(TracerCollection.Name)]
public sealed class TracerTests
{
    [Trait("Category", "Slow")]
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
    public void LiveTrackingSeesEveryGcAndNoAllocationTickEvents()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 3 });
        int gcs = GC.CollectionCount(0);
        var values = Workloads.Run(2_000);
        GC.Collect();
        gcs = GC.CollectionCount(0) - gcs;
        (long completed, long incomplete, long ticks, long tracked) = tracer.OnReader(() =>
            (tracer.Liveness!.CompletedGcs, tracer.Liveness.IncompleteGcs, tracer.AllocationTicks, (long)tracer.LiveObjects!.Count));
        GC.KeepAlive(values);

        // GCs may run between the start marker and this test's count, never fewer than the test caused.
        Assert.True(completed >= gcs, $"{completed} GCs seen, {gcs} run");
        Assert.Equal(0, incomplete);
        Assert.Equal(0, ticks);
        Assert.True(tracked > 100, $"{tracked} objects tracked");
        Assert.True(tracer.TracerMemory < 16_000_000, $"tracer memory {tracer.TracerMemory}");
    }

    [Fact]
    public void RequestsAfterStopFailClearly()
    {
        MemTracker.Stop();
        var tracer = new Tracer(new MemTrackerOptions());
        Assert.True(tracer.Stop(TimeSpan.FromSeconds(5)));
        Assert.Equal("Tracing was stopped.", Assert.Throws<MemTrackException>(() => tracer.TakeSnapshot(collect: false)).Message);
        tracer.ClearTraces(); // harmless once stopped, like MemTracker.ClearTraces when tracing is off
        tracer.Dispose();
    }
}
