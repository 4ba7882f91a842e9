using System.Runtime.CompilerServices;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>MemTracker.Trace: a traced block that starts and stops the tracer and diffs against its start.</summary>
[Collection(TracerCollection.Name)]
public sealed class TracedRegionTests : IDisposable
{
    private static List<byte[]>? s_kept;

    public void Dispose()
    {
        s_kept = null;
        MemTracker.Stop();
    }

    [Fact]
    public void ARegionStartsTheTracerShowsWhatItsSitesAllocatedAndStopsIt()
    {
        Assert.False(MemTracker.IsTracing);
        using (TracedRegion trace = MemTracker.Trace(depth: 5))
        {
            Assert.True(trace.StartedTracer);
            Assert.Equal(5, MemTracker.TracebackLimit);
            for (int i = 0; i < 2000; i++)
            {
                Churn();
            }

            StatisticDiff top = trace.CompareToStart(KeyType.LineNo, kind: MemoryKind.Allocated)[0];
            Assert.Contains("TracedRegionTests.cs", top.Traceback[0].FileName, StringComparison.Ordinal);
            long exact = 2000L * ((8 * 1024) + 24);
            Assert.InRange(exact, top.SizeDiff - (2 * top.SizeDiffMargin), top.SizeDiff + (2 * top.SizeDiffMargin));
        }

        Assert.False(MemTracker.IsTracing);
    }

    [Fact]
    public void LiveGrowthShowsWhatTheRegionKeptAndNotItsGarbage()
    {
        s_kept = [];
        using TracedRegion trace = MemTracker.Trace();
        for (int i = 0; i < 2000; i++)
        {
            Churn();
            Keep();
        }

        // Garbage counts as live until a GC that collected its generation did not report it; a sample whose event the
        // reader gets after that GC's events counts until the next one (1.0 and 1.3 MiB of Churn's arrays were seen
        // live after a single GC.Collect). Two full collections, as TakeSnapshot(collect: true) runs, make it exact.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        IReadOnlyList<StatisticDiff> growth = trace.CompareToStart(KeyType.LineNo);
        StatisticDiff kept = growth[0];
        Assert.Equal(MemoryKind.Live, kept.Kind);
        Assert.Contains(nameof(Keep), kept.Traceback[0].Method, StringComparison.Ordinal);
        Assert.DoesNotContain(growth, d => d.Traceback.Count > 0 && d.Traceback[0].Method.EndsWith(nameof(Churn), StringComparison.Ordinal) && d.SizeDiff > 1 << 20);
    }

    [Fact]
    public void ARegionInsideARunningTracerLeavesItRunning()
    {
        MemTracker.Start(3);
        TracedRegion trace = MemTracker.Trace(depth: 10);
        Assert.False(trace.StartedTracer);
        trace.Dispose();
        Assert.True(MemTracker.IsTracing);
        Assert.Equal(3, MemTracker.TracebackLimit);
        Assert.Throws<ObjectDisposedException>(() => trace.TakeSnapshot());
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Equal("depth", Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Trace(0)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => MemTracker.Trace(null!)).ParamName);
        Assert.Equal("MaxSites", Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Trace(new MemTrackerOptions { MaxSites = 0 })).ParamName);
        Assert.False(MemTracker.IsTracing);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Churn() => GC.KeepAlive(new byte[8 * 1024]);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Keep() => s_kept!.Add(new byte[4 * 1024]);
}
