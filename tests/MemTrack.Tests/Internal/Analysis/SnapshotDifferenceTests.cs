using MemTrack.Internal.Analysis;
using MemTrack.Internal.Sampling;

namespace MemTrack.Tests.Internal.Analysis;

public sealed class SnapshotDifferenceTests
{
    private static readonly Traceback Here = new([new Frame("App.Run", "App.cs", 10, "App.dll")]);
    private static readonly Traceback There = new([new Frame("App.Other", "App.cs", 20, "App.dll")]);

    [Fact]
    public void EachSiteHoldsTheSamplesTakenInBetween()
    {
        var epoch = Guid.NewGuid();
        Snapshot start = Make(epoch, 1000, (Here, Stats(100, 2)));
        Snapshot end = Make(epoch, 5000, (Here, Stats(100, 5)), (There, Stats(64, 1)));

        Snapshot between = SnapshotDifference.AllocatedBetween(start, end)!;
        Assert.Equal(4000, between.ExactAllocatedBytes);
        Assert.False(between.HasLiveData);
        Assert.NotEqual(epoch, between.Info.TracingEpoch);
        Trace here = between.Traces.Single(t => t.Traceback.Equals(Here));
        Assert.Equal(3, here.SampleCount);
        Assert.Equal(Stats(100, 3).RoundedSize, here.Size);
        Assert.Equal(1, between.Traces.Single(t => t.Traceback.Equals(There)).SampleCount);
    }

    [Fact]
    public void ASiteWithNoNewSampleIsLeftOut()
    {
        var epoch = Guid.NewGuid();
        Snapshot start = Make(epoch, 0, (Here, Stats(100, 2)));
        Snapshot end = Make(epoch, 0, (Here, Stats(100, 2)));
        Assert.Empty(SnapshotDifference.AllocatedBetween(start, end)!.Traces);
    }

    [Fact]
    public void SnapshotsOfDifferentTracingPeriodsHaveNoDifference() =>
        Assert.Null(SnapshotDifference.AllocatedBetween(Make(Guid.NewGuid(), 0), Make(Guid.NewGuid(), 0)));

    private static SampleStats Stats(long size, int samples)
    {
        var stats = default(SampleStats);
        for (int i = 0; i < samples; i++)
        {
            stats.Add(size);
        }

        return stats;
    }

    private static Snapshot Make(Guid epoch, long exact, params (Traceback Traceback, SampleStats Stats)[] traces) =>
        new(new SnapshotInfo(1, DateTimeOffset.UnixEpoch, exact, 0, epoch, HasLiveData: true), [.. traces.Select(t => new Trace(t.Traceback, "System.Byte[]", t.Stats, t.Stats))]);
}
