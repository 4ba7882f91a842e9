using MemTrack.Internal.Analysis;
using MemTrack.Internal.Reporting;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Internal.Reporting;

public sealed class SnapshotReportTests
{
    private static readonly Frame Leak = Frame("Cache.cs", 12, "App.Cache.Add");
    private static readonly Frame Render = Frame("Page.cs", 30, "App.Page.Render");
    private static readonly Frame Main = Frame("Program.cs", 5, "App.Program.Main");

    [Fact]
    public void ListsTotalsThenTopLinesLiveAndAllocatedWithTheirBiggestTraceback()
    {
        Snapshot snapshot = Snapshot(
            Trace("System.Byte[]", Stats(4096, 4, samples: 4), Stats(4096, 4, samples: 4), Leak, Main),
            Trace("System.Byte[]", Stats(1024, 1), Stats(1024, 1), Leak, Render, Main),
            Trace("System.String", Stats(20_480, 100, samples: 20), Stats(0, 0, samples: 0), Render, Main));

        string text = Write(snapshot, top: 10, tracebackFrames: 5, new TracerFacts(2 << 20, 8192));

        Assert.Equal(
            """
            MemTrack report of 2024-05-01 12:30:15 +02:00, traceback depth 10, 3 allocation sites
            Allocated: 118 MiB exact by the process; 25.0 KiB (±0%, 95%) estimated at traced sites from 25 samples
            Live: 5120 B (±0%, 95%) estimated still alive (not yet freed by a GC) from 5 samples; peak 8192 B
            Tracer memory: 2048 KiB; lost events: 3
            WARNING: 3 events were lost (dropped by the runtime while the tracer's reader was behind, or not decodable), so this data is incomplete and the estimates are too low.
            Note: methods the JIT inlined are folded into their callers' frames; start the process with DOTNET_RichDebugInfo=1 to see them as frames of their own.

            Top 1 line by live memory (estimated, still alive):
            #1: Cache.cs:12: size=5120 B (±0%), count=5, average=1024 B
                File "Cache.cs", line 12, in App.Cache.Add
                File "Program.cs", line 5, in App.Program.Main
                (1 more traceback reaches this line)

            Top 2 lines by allocated memory (estimated, dead or alive):
            #1: Page.cs:30: size=20.0 KiB (±0%), count=100, average=204 B
                File "Page.cs", line 30, in App.Page.Render
                File "Program.cs", line 5, in App.Program.Main
            #2: Cache.cs:12: size=5120 B (±0%), count=5, average=1024 B
                File "Cache.cs", line 12, in App.Cache.Add
                File "Program.cs", line 5, in App.Program.Main
                (1 more traceback reaches this line)

            """.ReplaceLineEndings(),
            text);
    }

    [Fact]
    public void TopCutsTheListAndSumsTheRest()
    {
        Snapshot snapshot = WithoutLiveData(
            Trace(3000, 3, Frame("a.cs", 1)),
            Trace(2000, 2, Frame("b.cs", 2)),
            Trace(1000, 1, Frame("c.cs", 3)));

        string text = Write(snapshot, top: 1, tracebackFrames: 0, tracer: null);

        Assert.Contains("Live: not tracked (MemTrackerOptions.TrackLiveObjects was off)", text, StringComparison.Ordinal);
        Assert.Contains(Environment.NewLine + "Lost events: 3" + Environment.NewLine, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Tracer memory", text, StringComparison.Ordinal);
        Assert.DoesNotContain("by live memory", text, StringComparison.Ordinal);
        Assert.Contains("Top 1 line by allocated memory (estimated, dead or alive):" + Environment.NewLine + "#1: a.cs:1: size=3000 B (±0%), count=3, average=1000 B" + Environment.NewLine + "2 other lines: 3000 B", text, StringComparison.Ordinal);
        Assert.DoesNotContain("File \"a.cs\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptySnapshotStillHasItsTotals()
    {
        string text = Write(Snapshot(), top: 10, tracebackFrames: 5, tracer: null);

        Assert.Contains("0 allocation sites", text, StringComparison.Ordinal);
        Assert.Contains("Top 0 lines by allocated memory", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteReportChecksItsArguments()
    {
        Snapshot snapshot = Snapshot();
        Assert.Throws<ArgumentNullException>("writer", () => snapshot.WriteReport(null!));
        Assert.Throws<ArgumentOutOfRangeException>("top", () => snapshot.WriteReport(TextWriter.Null, top: 0));
        Assert.Throws<ArgumentOutOfRangeException>("tracebackFrames", () => snapshot.WriteReport(TextWriter.Null, tracebackFrames: -1));
    }

    [Fact]
    public void WriteReportIsTheReportWithoutTracerFacts()
    {
        Snapshot snapshot = Snapshot(Trace(3000, 3, Leak, Main));
        var writer = new StringWriter();

        snapshot.WriteReport(writer, top: 3, tracebackFrames: 1);

        Assert.Equal(Write(snapshot, 3, 1, tracer: null), writer.ToString());
    }

    [Fact]
    public void ADegradedSnapshotSaysItHoldsTheExactTotalOnly()
    {
        var snapshot = new Snapshot(new SnapshotInfo(5, TakenAt, 1_000_000, 0, Epoch, HasLiveData: false, IsDegraded: true), []);

        string text = Write(snapshot, top: 10, tracebackFrames: 5, tracer: null);

        Assert.Contains("Allocated: 977 KiB exact by the process", text, StringComparison.Ordinal);
        Assert.Contains(Environment.NewLine + "Live: not tracked (degraded mode)" + Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Contains(
            Environment.NewLine + "WARNING: taken in degraded mode (the tracing session could not be opened; see MemTracker.Health): only the exact allocated total was measured, no allocation sites." + Environment.NewLine,
            text,
            StringComparison.Ordinal);
        Assert.DoesNotContain("events were lost", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CompleteDataHasNoWarning()
    {
        Snapshot snapshot = new(new SnapshotInfo(5, TakenAt, 1_000, 0, Epoch, HasLiveData: true), [Trace(64, 1, Leak)]);

        Assert.DoesNotContain("WARNING", Write(snapshot, top: 10, tracebackFrames: 5, new TracerFacts(1024, 64, new TracerHealth(TracerState.Running, "ok", null, 0, 0, TakenAt))), StringComparison.Ordinal);
    }

    [Fact]
    public void AReportOfATracerThatFailedSaysTheDataEndsThere()
    {
        var failed = new TracerHealth(TracerState.Failed, "The tracer's reader failed.", new IOException("broken pipe"), 0, 0, TakenAt);

        string text = Write(Snapshot(Trace(64, 1, Leak)), top: 10, tracebackFrames: 5, new TracerFacts(1024, 64, failed));

        Assert.Contains(Environment.NewLine + "WARNING: the tracer failed at 2024-05-01 12:30:15 +02:00, so this data ends there: The tracer's reader failed." + Environment.NewLine, text, StringComparison.Ordinal);
    }

    private static string Write(Snapshot snapshot, int top, int tracebackFrames, TracerFacts? tracer)
    {
        var writer = new StringWriter();
        SnapshotReport.Write(writer, snapshot, top, tracebackFrames, tracer);
        return writer.ToString();
    }
}
