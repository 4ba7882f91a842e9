using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>Snapshot analysis on real traced data: each key type, diffs, filters and a file round trip.</summary>
[Collection(TracerCollection.Name)]
public sealed class SnapshotTests : IDisposable
{
    private static readonly Lazy<(Snapshot Before, Snapshot After, int GcsDuring)> Traced = new(TraceSeedWorkload);

    public void Dispose() => MemTracker.Stop();

    [Fact]
    public void LineNoRanksTheByteArrayLineFirst()
    {
        Statistic top = Traced.Value.After.Statistics(KeyType.LineNo)[0];
        Assert.Equal(Workloads.MyObject.DataLine, top.Traceback[0].LineNumber);
        Assert.Null(top.TypeName);
        Assert.Single(top.Traceback);
        Assert.True(top.SampleCount > 1000);
        Assert.InRange(top.SizeMargin, 1, top.Size / 10);
        Assert.Contains("Workloads.cs:" + Workloads.MyObject.DataLine + ": size=", top.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryKeyTypeGroupsRealTraces()
    {
        Snapshot after = Traced.Value.After;
        Statistic file = after.Statistics(KeyType.FileName)[0];
        Assert.EndsWith("Workloads.cs", file.Traceback[0].FileName, StringComparison.Ordinal);
        Assert.Equal(0, file.Traceback[0].LineNumber);

        Statistic method = after.Statistics(KeyType.Method)[0];
        Assert.Contains("MyObject..ctor", method.Traceback[0].Method, StringComparison.Ordinal);

        Statistic type = after.Statistics(KeyType.Type)[0];
        Assert.Equal("System.Byte[]", type.TypeName);
        Assert.Empty(type.Traceback);

        Statistic traceback = after.Statistics(KeyType.Traceback)[0];
        Assert.True(traceback.Traceback.Count >= 4);

        // Cumulative: the test's own line is charged with everything the workload allocated below it.
        Statistic cumulative = after.Statistics(KeyType.LineNo, cumulative: true, kind: MemoryKind.Allocated).First(s => s.Traceback[0].LineNumber == WorkloadCallLine);
        double workload = after.Traces.Where(t => t.Traceback.Any(f => f.LineNumber == WorkloadCallLine && f.FileName!.EndsWith("SnapshotTests.cs", StringComparison.Ordinal))).Sum(t => (double)t.Size);
        Assert.Equal(workload, cumulative.Size, tolerance: after.Traces.Count);
    }

    [Fact]
    public void KeptObjectsStayLiveThroughTheWorkloadsGarbageCollections()
    {
        // The workload's 2 million objects (~200 MB) go through many GCs, but all of them stay referenced: every
        // sample of the byte-array line must still be live, none may be lost or declared dead.
        Snapshot after = Traced.Value.After;
        Assert.True(after.HasLiveData);
        Statistic live = after.Statistics(KeyType.LineNo)[0];
        Statistic allocated = after.Statistics(KeyType.LineNo, kind: MemoryKind.Allocated)[0];
        Assert.Equal(Workloads.MyObject.DataLine, live.Traceback[0].LineNumber);
        Assert.Equal((MemoryKind.Live, MemoryKind.Allocated), (live.Kind, allocated.Kind));
        Assert.Equal(allocated.SampleCount, live.SampleCount);
        Assert.Equal(allocated.Size, live.Size);
        Assert.True(Traced.Value.GcsDuring > 0, "the workload ran no GC");
    }

    [Fact]
    public void CompareToShowsTheGrowthSinceTheFirstSnapshot()
    {
        (Snapshot before, Snapshot after, _) = Traced.Value;
        StatisticDiff top = after.CompareTo(before, KeyType.LineNo)[0];
        Assert.Equal(Workloads.MyObject.DataLine, top.Traceback[0].LineNumber);
        Assert.Equal(top.Size, top.SizeDiff); // the line allocated nothing before the first snapshot
        Assert.True(top.SizeDiffMargin > 0 && top.SizeDiffMargin < top.SizeDiff / 10);
        Assert.StartsWith(top.Traceback.ToString() + ": size=", top.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => after.CompareTo(null!, KeyType.LineNo));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void FilterTracesKeepsOnlyWhatTheFiltersSay()
    {
        Snapshot after = Traced.Value.After;
        Snapshot onlyWorkloads = after.FilterTraces([new Filter(true, "*Workloads.cs")]);
        Assert.NotEmpty(onlyWorkloads.Traces);
        Assert.All(onlyWorkloads.Traces, t => Assert.EndsWith("Workloads.cs", t.Traceback[0].FileName, StringComparison.Ordinal));

        Snapshot noBytes = after.FilterTraces([new TypeFilter(false, "System.Byte[]")]);
        Assert.DoesNotContain(noBytes.Traces, t => t.TypeName == "System.Byte[]");
        Assert.Equal(after.Traces.Count, after.FilterTraces([]).Traces.Count);
        Assert.Equal(after.TakenAt, noBytes.TakenAt);
    }

    [Fact]
    public void DumpAndLoadRoundTripARealSnapshot()
    {
        Snapshot after = Traced.Value.After;
        string path = Path.Combine(Path.GetTempPath(), $"memtrack-{Guid.NewGuid():N}.snapshot");
        try
        {
            after.Dump(path);
            Snapshot loaded = Snapshot.Load(path);
            Assert.Equal(after.TracebackLimit, loaded.TracebackLimit);
            Assert.Equal(after.TakenAt, loaded.TakenAt);
            Assert.Equal(after.ExactAllocatedBytes, loaded.ExactAllocatedBytes);
            Assert.Equal(after.Traces.Count, loaded.Traces.Count);
            for (int i = 0; i < after.Traces.Count; i++)
            {
                Assert.Equal(after.Traces[i].Traceback, loaded.Traces[i].Traceback);
                Assert.Equal(after.Traces[i].Traceback.TotalFrames, loaded.Traces[i].Traceback.TotalFrames);
                Assert.Equal(after.Traces[i].TypeName, loaded.Traces[i].TypeName);
                Assert.Equal(after.Traces[i].Size, loaded.Traces[i].Size);
                Assert.Equal(after.Traces[i].SampleCount, loaded.Traces[i].SampleCount);
                Assert.Equal(after.Traces[i].LiveSize, loaded.Traces[i].LiveSize);
                Assert.Equal(after.Traces[i].LiveSampleCount, loaded.Traces[i].LiveSampleCount);
            }

            Assert.Equal(
                after.Statistics(KeyType.LineNo).Select(s => s.ToString()),
                loaded.Statistics(KeyType.LineNo).Select(s => s.ToString()));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SnapshotCarriesItsMetadata()
    {
        (Snapshot before, Snapshot after, _) = Traced.Value;
        Assert.Equal(10, after.TracebackLimit);
        Assert.True(after.TakenAt > before.TakenAt);
        Assert.True(after.ExactAllocatedBytes > before.ExactAllocatedBytes);
        Assert.Equal(0, after.LostEvents);
    }

    private static readonly int WorkloadCallLine = Workloads.Line() + 8;

    private static (Snapshot, Snapshot, int) TraceSeedWorkload()
    {
        MemTracker.Stop();
        MemTracker.Start(10);
        Snapshot before = MemTracker.TakeSnapshot();
        int gcs = GC.CollectionCount(0);
        var values = Workloads.Run(10_000);
        gcs = GC.CollectionCount(0) - gcs;
        Snapshot after = MemTracker.TakeSnapshot();
        GC.KeepAlive(values);
        MemTracker.Stop();
        return (before, after, gcs);
    }
}
