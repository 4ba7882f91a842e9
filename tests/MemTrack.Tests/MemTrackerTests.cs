using System.Runtime.CompilerServices;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>The public tracer API against real tracing of this test process.</summary>
[Collection(TracerCollection.Name)]
public sealed class MemTrackerTests : IDisposable
{
    private const string ThisFile = "MemTrackerTests.cs";

    public MemTrackerTests() => MemTracker.Stop();

    public void Dispose() => MemTracker.Stop();

    [Fact]
    public void StartStopAndIsTracing()
    {
        Assert.False(MemTracker.IsTracing);
        MemTracker.Start(7);
        Assert.True(MemTracker.IsTracing);
        Assert.Equal(7, MemTracker.TracebackLimit);
        Assert.Equal(7, MemTracker.Options!.Depth);
        MemTracker.Stop();
        Assert.False(MemTracker.IsTracing);
        Assert.Null(MemTracker.Options);
        MemTracker.Stop(); // a second Stop is harmless
        MemTracker.Start(); // Start after Stop works
        Assert.Equal(1, MemTracker.TracebackLimit);
    }

    [Fact]
    public void StartWithSameOptionsIsANoOpAndOtherOptionsThrow()
    {
        MemTracker.Start(new MemTrackerOptions { Depth = 3, MaxSites = 100 });
        MemTracker.Start(new MemTrackerOptions { Depth = 3, MaxSites = 100 });
        Assert.True(MemTracker.IsTracing);
        var ex = Assert.Throws<InvalidOperationException>(() => MemTracker.Start(4));
        Assert.Contains("Stop", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, MemTracker.TracebackLimit);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TheAppsStartReplacesTheStartupHooksTracerKeepingItsExitReportAndAStartAgainIsANoOp()
    {
        var report = new ExitReportOptions { Writer = TextWriter.Null };
        MemTracker.StartFromEnvironment(new MemTrackerOptions { Depth = 2, ExitReport = report });
        MemTracker.Start(new MemTrackerOptions { Depth = 5 });
        MemTracker.Start(new MemTrackerOptions { Depth = 5 });
        Assert.Same(report, MemTracker.Options!.ExitReport);
        Assert.Equal(5, MemTracker.Options.Depth);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(101)]
    public void DepthOutOfRangeThrowsNamingTheParameter(int depth)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Start(depth));
        Assert.Equal("depth", ex.ParamName);
        var ex2 = Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Start(new MemTrackerOptions { Depth = depth }));
        Assert.Equal("Depth", ex2.ParamName);
        Assert.False(MemTracker.IsTracing);
    }

    [Fact]
    public void BadOptionsThrow()
    {
        Assert.Throws<ArgumentNullException>(() => MemTracker.Start(null!));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Start(new MemTrackerOptions { MaxSites = 0 }));
        Assert.Equal("MaxSites", ex.ParamName);
    }

    [Theory]
    [InlineData(0, 5, 2000, "Top")]
    [InlineData(1001, 5, 2000, "Top")]
    [InlineData(10, -1, 2000, "TracebackFrames")]
    [InlineData(10, 101, 2000, "TracebackFrames")]
    [InlineData(10, 5, 99, "Timeout")]
    [InlineData(10, 5, 60_001, "Timeout")]
    public void ExitReportOptionsOutOfRangeAreNamed(int top, int frames, int timeoutMs, string name)
    {
        var report = new ExitReportOptions { Top = top, TracebackFrames = frames, Timeout = TimeSpan.FromMilliseconds(timeoutMs) };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Start(new MemTrackerOptions { ExitReport = report }));
        Assert.Equal(name, ex.ParamName);
        Assert.False(MemTracker.IsTracing);
    }

    [Fact]
    public void EmptyExitReportPathsAreRejected()
    {
        Assert.Equal("Path", Assert.Throws<ArgumentException>(() => MemTracker.Start(new MemTrackerOptions { ExitReport = new() { Path = string.Empty } })).ParamName);
        Assert.Equal("SnapshotPath", Assert.Throws<ArgumentException>(() => MemTracker.Start(new MemTrackerOptions { ExitReport = new() { SnapshotPath = string.Empty } })).ParamName);
    }

    [Fact]
    public void MembersThatNeedTracingThrowWhenOff()
    {
        Assert.Throws<InvalidOperationException>(() => MemTracker.TakeSnapshot());
        Assert.Throws<InvalidOperationException>(() => MemTracker.TracebackLimit);
        Assert.Equal(0, MemTracker.GetTracerMemory());
        Assert.Equal(0, MemTracker.AllocatedBytes);
        MemTracker.ClearTraces(); // harmless when off
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void SeedWorkloadEstimateIsWithinTenPercentOfExactAndKeepsTheWholeChain()
    {
        MemTracker.Start(10);
        Snapshot before = MemTracker.TakeSnapshot();
        long start = GC.GetAllocatedBytesForCurrentThread();
        List<List<Workloads.MyObject>> values = Workloads.Run(20_000); // 2 million objects
        long exact = GC.GetAllocatedBytesForCurrentThread() - start;
        Snapshot after = MemTracker.TakeSnapshot();
        GC.KeepAlive(values);

        var ours = after.Traces.Where(t => t.Traceback.Any(f => f.Method.Contains("Workloads.", StringComparison.Ordinal))).ToList();
        double estimate = ours.Sum(t => (double)t.Size);
        Assert.InRange(estimate / exact, 0.9, 1.1);
        Assert.True(ours.Sum(t => t.SampleCount) > 2_000, "expected thousands of samples for ~350 MB");
        Assert.DoesNotContain(before.Traces, t => t.Traceback.Any(f => f.Method.Contains("Workloads.Run", StringComparison.Ordinal)));

        // The biggest offender: the byte[] of MyObject, with the whole call chain down to this test.
        Trace biggest = after.Traces.MaxBy(t => t.Size)!;
        Assert.Equal("System.Byte[]", biggest.TypeName);
        Assert.EndsWith("Workloads.cs", biggest.Traceback[0].FileName, StringComparison.Ordinal);
        Assert.Equal(Workloads.MyObject.DataLine, biggest.Traceback[0].LineNumber);
        Assert.Contains("MyObject..ctor", biggest.Traceback[0].Method, StringComparison.Ordinal);
        Assert.Equal(Workloads.NewObjectLine, biggest.Traceback[1].LineNumber);
        Assert.Contains("GetData", biggest.Traceback[1].Method, StringComparison.Ordinal);
        Assert.Contains("Run", biggest.Traceback[2].Method, StringComparison.Ordinal);
        Assert.EndsWith(ThisFile, biggest.Traceback[3].FileName, StringComparison.Ordinal);
        Assert.Equal("MemTrack.Tests.dll", biggest.Traceback[3].Module);

        // Each estimate carries its uncertainty: margin ≈ 1.96/√n of the size for small objects.
        double relative = (double)biggest.SizeMargin / biggest.Size;
        Assert.InRange(relative, 0.5 * 1.96 / Math.Sqrt(biggest.SampleCount), 2 * 1.96 / Math.Sqrt(biggest.SampleCount));
        Assert.True(after.ExactAllocatedBytes >= exact);
    }

    [Fact]
    public void SnapshotIncludesEveryAllocationMadeBeforeTheCallOnAnyThread()
    {
        MemTracker.Start(5);
        var thread = new Thread(() => GC.KeepAlive(Workloads.Arrays(40, 1 << 20)));
        thread.Start();
        thread.Join();
        int line = Workloads.Line(); byte[][] mine = Workloads.Arrays(40, 1 << 20);
        Snapshot snapshot = MemTracker.TakeSnapshot();
        GC.KeepAlive(mine);

        // A 1 MiB array is sampled with probability 1 - e^-10.24; 80 of them are all seen with probability > 99.6%.
        var arrays = snapshot.Traces.Where(t => t.TypeName == "System.Byte[]" && t.Traceback[0].LineNumber == Workloads.ArraysLine).ToList();
        Assert.InRange(arrays.Sum(t => t.SampleCount), 79, 80);
        Assert.Contains(arrays, t => t.Traceback.Any(f => f.LineNumber == line + 0 && f.FileName!.EndsWith(ThisFile, StringComparison.Ordinal)));
        Assert.InRange(arrays.Sum(t => (double)t.Size), 78.0 * (1 << 20), 82.0 * (1 << 20));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void FrameworkFramesAreHiddenFromTheTopSoTheCallerIsCharged()
    {
        MemTracker.Start(new MemTrackerOptions { Depth = 3 });
        int line = Workloads.Line(); List<int> grown = GrowList();
        Snapshot hidden = MemTracker.TakeSnapshot();
        MemTracker.Stop();
        MemTracker.Start(new MemTrackerOptions { Depth = 3, HideFrameworkFrames = false });
        grown = GrowList();
        Snapshot shown = MemTracker.TakeSnapshot();
        GC.KeepAlive(grown);

        Trace charged = hidden.Traces.Single(t => t.TypeName == "System.Int32[]" && t.Traceback[0].Method.Contains(nameof(GrowList), StringComparison.Ordinal));
        Assert.Equal(GrowListAddLine, charged.Traceback[0].LineNumber);
        Assert.Contains(charged.Traceback, f => f.LineNumber == line);
        Assert.Contains(shown.Traces, t => t.TypeName == "System.Int32[]" && t.Traceback[0].Module == "System.Private.CoreLib.dll");
    }

    [Fact]
    public void FramesOfPrecompiledFrameworkCodeFirstRunAfterStartAreNamed()
    {
        // XDocument parsing is ReadyToRun code in System.Private.Xml(.Linq): the runtime raises no method event for it,
        // and nothing in this test process ran it before. Its frames are named from the images the runtime mapped.
        MemTracker.Start(new MemTrackerOptions { Depth = 10, HideFrameworkFrames = false, TrackLiveObjects = false });
        string xml = "<r>" + string.Concat(Enumerable.Repeat("<item name='a' value='b'>text</item>", 2_000)) + "</r>";
        var documents = new List<System.Xml.Linq.XDocument>();
        for (int i = 0; i < 40; i++)
        {
            documents.Add(System.Xml.Linq.XDocument.Parse(xml));
        }

        Snapshot snapshot = MemTracker.TakeSnapshot();
        GC.KeepAlive(documents);

        Frame[] xmlFrames = [.. snapshot.Traces.SelectMany(t => t.Traceback).Where(f => f.Module.StartsWith("System.Private.Xml", StringComparison.Ordinal))];
        Assert.NotEmpty(xmlFrames);
        Assert.All(xmlFrames, frame => Assert.DoesNotContain("<unknown>", frame.Method, StringComparison.Ordinal));
        Assert.Contains(xmlFrames, frame => frame.Method.StartsWith("System.Xml.Linq.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_second_Start_with_equal_options_does_nothing_and_an_exit_report_to_another_writer_is_other_options()
    {
        using var writer = new StringWriter();
        MemTracker.Start(new MemTrackerOptions { Depth = 2, ExitReport = new ExitReportOptions { Writer = writer, Top = 3 } });

        // Equal values, the same writer: the same options, nothing happens.
        MemTracker.Start(new MemTrackerOptions { Depth = 2, ExitReport = new ExitReportOptions { Writer = writer, Top = 3 } });

        // Another writer is another destination: other options, refused while tracing.
        using var other = new StringWriter();
        var error = Assert.Throws<InvalidOperationException>(() =>
            MemTracker.Start(new MemTrackerOptions { Depth = 2, ExitReport = new ExitReportOptions { Writer = other, Top = 3 } }));
        Assert.Contains("already tracing with other options", error.Message, StringComparison.Ordinal);
        Assert.Same(writer, MemTracker.Options?.ExitReport?.Writer);
    }

    [Fact]
    public void DepthTruncatesButTotalFramesCountsTheWholeStack()
    {
        MemTracker.Start(1);
        var arrays = Workloads.Arrays(10, 1 << 20);
        Snapshot snapshot = MemTracker.TakeSnapshot();
        GC.KeepAlive(arrays);
        Trace trace = snapshot.Traces.Single(t => t.TypeName == "System.Byte[]" && t.Traceback[0].LineNumber == Workloads.ArraysLine);
        Assert.Single(trace.Traceback);
        Assert.True(trace.Traceback.TotalFrames > 2, $"TotalFrames was {trace.Traceback.TotalFrames}");
    }

    [Fact]
    public void StacksThatDifferOnlyBelowTheDepthAreOneTraceWithTheLongestTotal()
    {
        MemTracker.Start(1);

        // On a thread of its own: the test runner's stack can come near the runtime's 100 frames per stack, which would
        // cut the deeper stacks to the same length.
        var held = new List<byte[][]>();
        OnFreshThread(() => held.Add(AllocateAfterRecursion(0)));
        int shallow = ArraysTrace(MemTracker.TakeSnapshot()).Traceback.TotalFrames;
        OnFreshThread(() =>
        {
            for (int extra = 1; extra <= 5; extra++)
            {
                held.Add(AllocateAfterRecursion(extra));
            }
        });

        Snapshot snapshot = MemTracker.TakeSnapshot();
        GC.KeepAlive(held);
        Trace trace = ArraysTrace(snapshot);
        Assert.Equal(60, trace.SampleCount);
        Assert.Equal(shallow + 5, trace.Traceback.TotalFrames);
        Assert.Equal(snapshot.Traces.Count, snapshot.Traces.Select(t => (t.Traceback, t.TypeName)).Distinct().Count());

        static Trace ArraysTrace(Snapshot snapshot) =>
            Assert.Single(snapshot.Traces, t => t.TypeName == "System.Byte[]" && t.Traceback[0].LineNumber == Workloads.ArraysLine);
    }

    private static void OnFreshThread(Action work)
    {
        var thread = new Thread(() => work());
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "the allocating thread did not finish");
    }

    /// <summary>Calls <see cref="Workloads.Arrays"/> (10 arrays of 1 MiB, each sampled almost surely) <paramref name="extra"/> calls deeper.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte[][] AllocateAfterRecursion(int extra) => extra == 0 ? Workloads.Arrays(10, 1 << 20) : AllocateAfterRecursion(extra - 1);

    [Fact]
    public void TracerMemoryIsMeasuredFromTheFirstCallAndFollowsTheTrackedObjects()
    {
        MemTracker.Start();
        long first = MemTracker.GetTracerMemory();
        LiveWorkloads.Hold(small: 0, large: 1_000, pinned: 0); // 100 MB: about 1,000 more tracked objects
        long holding = MemTracker.GetTracerMemory();
        LiveWorkloads.DropAll();
        Assert.True(first > 0, "the tracer's memory right after Start was 0");
        Assert.True(holding > first, $"tracer memory {first} B right after Start, {holding} B with 1,000 more tracked objects");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TracerOwnAllocationsNeverAppear()
    {
        MemTracker.Start(25);
        Snapshot? last = null;
        for (int i = 0; i < 20; i++)
        {
            GC.KeepAlive(Workloads.Arrays(2, 1 << 20));
            last = MemTracker.TakeSnapshot();
        }

        Snapshot snapshot = MemTracker.TakeSnapshot();
        Assert.NotEmpty(snapshot.Traces);
        var tracerTraces = snapshot.Traces.Where(t => t.Traceback.Any(f => f.Module is "MemTrack.dll" or "Microsoft.Diagnostics.Tracing.TraceEvent.dll" or "Microsoft.Diagnostics.NETCore.Client.dll")).ToList();
        Assert.True(tracerTraces.Count == 0, string.Join(Environment.NewLine, tracerTraces.Select(t => t.TypeName + Environment.NewLine + string.Join(Environment.NewLine, t.Traceback.Format()))));
        GC.KeepAlive(last);
        Assert.True(MemTracker.GetTracerMemory() > 0);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void ClearTracesForgetsEarlierSitesAndRestartsTheExactCounter()
    {
        MemTracker.Start(5);
        GC.KeepAlive(Workloads.Arrays(20, 1 << 20));
        long allocatedBefore = MemTracker.AllocatedBytes;
        Assert.True(allocatedBefore >= 20L << 20);
        MemTracker.ClearTraces();
        Assert.True(MemTracker.AllocatedBytes < allocatedBefore);
        Snapshot cleared = MemTracker.TakeSnapshot();
        Assert.DoesNotContain(cleared.Traces, t => t.Traceback.Count > 0 && t.Traceback[0].LineNumber == Workloads.ArraysLine);
        GC.KeepAlive(Workloads.Arrays(20, 1 << 20));
        Snapshot again = MemTracker.TakeSnapshot();
        Assert.Contains(again.Traces, t => t.Traceback.Count > 0 && t.Traceback[0].LineNumber == Workloads.ArraysLine);
    }

    [Fact]
    public void MaxSitesBoundsTheTableAndOverflowKeepsTheBytes()
    {
        MemTracker.Start(new MemTrackerOptions { Depth = 1, MaxSites = 2 });
        GC.KeepAlive(new object[] { SiteA(), SiteB(), SiteC(), SiteD() });
        Snapshot snapshot = MemTracker.TakeSnapshot();
        Assert.True(snapshot.Traces.Count <= 3);
        Trace other = Assert.Single(snapshot.Traces, t => t.TypeName == "<other sites>");
        Assert.True(other.SampleCount >= 10, $"overflow had {other.SampleCount} samples");
        Assert.InRange(snapshot.Traces.Sum(t => (double)t.Size), 35.0 * (1 << 20), 45.0 * (1 << 20));
    }

    [Fact]
    public void ProcessThatExitsWhileTracingEndsPromptly()
    {
        var (exitCode, output, elapsed) = TestApp.Run("exit-while-tracing");
        Assert.Equal(0, exitCode);
        Assert.Contains("tracing", output, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"took {elapsed}");
    }

    private static readonly int GrowListAddLine = Workloads.Line() + 7;

    private static List<int> GrowList()
    {
        var list = new List<int>();
        for (int i = 0; i < 2_000_000; i++)
        {
            list.Add(i);
        }

        return list;
    }

    private static byte[][] SiteA() => Workloads.Arrays(10, 1 << 20);

    private static object[] SiteB() => [.. Enumerable.Range(0, 10).Select(_ => new long[1 << 17])];

    private static object[] SiteC() => [.. Enumerable.Range(0, 10).Select(_ => new int[1 << 18])];

    private static object[] SiteD() => [.. Enumerable.Range(0, 10).Select(_ => new short[1 << 19])];
}
