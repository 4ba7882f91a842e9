using MemTrack.Internal.Analysis;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Model;

public class SnapshotModelTests
{
    [Fact]
    public void Properties_come_from_the_info()
    {
        var info = new SnapshotInfo(12, TakenAt, 4096, 2, Epoch, HasLiveData: true);
        Trace[] traces = [Trace(64, 1, Frame("a.cs", 1))];
        var snapshot = new Snapshot(info, traces);
        Assert.Equal((12, TakenAt, 4096L, 2L, true), (snapshot.TracebackLimit, snapshot.TakenAt, snapshot.ExactAllocatedBytes, snapshot.LostEvents, snapshot.HasLiveData));
        Assert.Same(traces, snapshot.Traces);
        Assert.Same(info, snapshot.Info);
    }

    [Fact]
    public void ToString_names_the_moment_the_traces_and_the_exact_total()
    {
        var info = new SnapshotInfo(12, TakenAt, 4096, 0, Epoch, HasLiveData: true, InliningReported: true);

        Assert.Equal("Snapshot of 2024-05-01 12:30:15 +02:00: 1 traces, depth 12, 4096 B allocated (exact)", new Snapshot(info, [Trace(64, 1, Frame("a.cs", 1))]).ToString());
    }

    [Fact]
    public void ToString_says_once_when_inlined_methods_are_folded_into_their_callers()
    {
        var info = new SnapshotInfo(12, TakenAt, 4096, 0, Epoch, HasLiveData: true);

        Assert.Equal(
            "Snapshot of 2024-05-01 12:30:15 +02:00: 1 traces, depth 12, 4096 B allocated (exact); Note: methods the JIT inlined are folded into "
            + "their callers' frames; start the process with DOTNET_RichDebugInfo=1 to see them as frames of their own",
            new Snapshot(info, [Trace(64, 1, Frame("a.cs", 1))]).ToString());
        Assert.DoesNotContain("Note", new Snapshot(info, []).ToString(), StringComparison.Ordinal); // nothing folded without traces
    }

    [Fact]
    public void ToString_warns_of_lost_events_and_degraded_mode()
    {
        var lossy = new Snapshot(new SnapshotInfo(1, TakenAt, 4096, 7, Epoch, HasLiveData: true), []);
        var degraded = new Snapshot(new SnapshotInfo(1, TakenAt, 4096, 0, Epoch, HasLiveData: false, IsDegraded: true), []);

        Assert.EndsWith("allocated (exact); WARNING: 7 events were lost (dropped by the runtime while the tracer's reader was behind, or not decodable), so this data is incomplete and the estimates are too low", lossy.ToString(), StringComparison.Ordinal);
        Assert.True(degraded.IsDegraded);
        Assert.False(lossy.IsDegraded);
        Assert.EndsWith("allocated (exact); WARNING: taken in degraded mode (the tracing session could not be opened; see MemTracker.Health): only the exact allocated total was measured, no allocation sites", degraded.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FilterTraces_returns_a_new_snapshot_with_the_same_info()
    {
        Snapshot snapshot = Snapshot(Trace(64, 1, Frame("a.cs", 1)), Trace(32, 1, Frame("b.cs", 1)));
        Snapshot filtered = snapshot.FilterTraces([new Filter(true, "a.cs")]);
        Assert.NotSame(snapshot, filtered);
        Assert.Same(snapshot.Info, filtered.Info);
        Assert.Equal(["a.cs:1"], filtered.Traces.Select(t => t.Traceback.ToString()));
        Assert.Equal(2, snapshot.Traces.Count);
        Assert.Equal(2, snapshot.FilterTraces([]).Traces.Count);
    }

    [Fact]
    public void Trace_exposes_its_estimates()
    {
        Trace trace = Trace("System.String", Stats(5120, 80, samples: 3, sizeVariance: 100), Stats(1024, 16, samples: 1, sizeVariance: 400), Frame("x.cs", 14));
        Assert.Equal((5120L, 80L, 3L), (trace.Size, trace.Count, trace.SampleCount));
        Assert.Equal((long)Math.Round(1.959963984540054 * 10), trace.SizeMargin);
        Assert.Equal((1024L, 16L, 1L), (trace.LiveSize, trace.LiveCount, trace.LiveSampleCount));
        Assert.Equal((long)Math.Round(1.959963984540054 * 20), trace.LiveSizeMargin);
        Assert.Equal("x.cs:14: System.String size=5120 B, count=80, live=1024 B", trace.ToString());
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        Snapshot snapshot = Snapshot();
        Assert.Throws<ArgumentNullException>(() => snapshot.CompareTo(null!, KeyType.LineNo));
        Assert.Throws<ArgumentNullException>(() => snapshot.FilterTraces(null!));
        Assert.Equal("filters", Assert.Throws<ArgumentNullException>(() => snapshot.FilterTraces([null!])).ParamName);
        Assert.Throws<ArgumentNullException>(() => snapshot.Dump(null!));
        Assert.Throws<ArgumentNullException>(() => Snapshot.Load(null!));
    }
}
