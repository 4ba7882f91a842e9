using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Internal.Analysis;

public class SnapshotCompareTests
{
    private const double Z95 = 1.959963984540054;
    private static readonly Frame Kept = Frame("kept.cs", 1);
    private static readonly Frame Grown = Frame("grown.cs", 2);
    private static readonly Frame Gone = Frame("gone.cs", 3);
    private static readonly Frame Born = Frame("born.cs", 4);

    private static readonly Snapshot Old = Snapshot(
        Trace("System.Byte[]", Stats(1000, 10, sizeVariance: 400), Kept),
        Trace("System.Byte[]", Stats(2000, 20, sizeVariance: 100), Grown),
        Trace("System.String", Stats(300, 3, sizeVariance: 25), Gone));

    private static readonly Snapshot New = Snapshot(
        Epoch,
        TakenAt.AddSeconds(5),
        Trace("System.Byte[]", Stats(1000, 10, sizeVariance: 400), Kept),
        Trace("System.Byte[]", Stats(7000, 70, sizeVariance: 500), Grown),
        Trace("System.String", Stats(500, 5, sizeVariance: 36), Born));

    [Fact]
    public void Diffs_cover_keys_of_both_snapshots()
    {
        IReadOnlyList<StatisticDiff> diffs = New.CompareTo(Old, KeyType.LineNo);
        Assert.Equal(["grown.cs:2", "born.cs:4", "gone.cs:3", "kept.cs:1"], diffs.Select(d => d.Traceback.ToString()));

        StatisticDiff grown = diffs[0];
        Assert.Equal((7000L, 5000L, 70L, 50L), (grown.Size, grown.SizeDiff, grown.Count, grown.CountDiff));
        StatisticDiff born = diffs[1];
        Assert.Equal((500L, 500L, 5L, 5L), (born.Size, born.SizeDiff, born.Count, born.CountDiff));
        StatisticDiff gone = diffs[2];
        Assert.Equal((0L, -300L, 0L, -3L), (gone.Size, gone.SizeDiff, gone.Count, gone.CountDiff));
        Assert.Equal(0, gone.SampleCount);
        StatisticDiff kept = diffs[3];
        Assert.Equal((1000L, 0L, 10L, 0L), (kept.Size, kept.SizeDiff, kept.Count, kept.CountDiff));
    }

    [Fact]
    public void Same_epoch_later_snapshot_subtracts_variances()
    {
        IReadOnlyList<StatisticDiff> diffs = New.CompareTo(Old, KeyType.LineNo, kind: MemoryKind.Allocated);
        Assert.Equal(Margin(500 - 100), Diff(diffs, Grown).SizeDiffMargin);
        Assert.Equal(0, Diff(diffs, Kept).SizeDiffMargin);
        Assert.Equal(Margin(36), Diff(diffs, Born).SizeDiffMargin);

        // A key only in the older snapshot of the same epoch: the variance difference is negative and clamps to 0.
        Assert.Equal(0, Diff(diffs, Gone).SizeDiffMargin);
        // Live memory of the same epoch is not nested (objects die), so its variances add up (an upper bound).
        IReadOnlyList<StatisticDiff> live = New.CompareTo(Old, KeyType.LineNo);
        Assert.Equal(Margin(500 + 100), Diff(live, Grown).SizeDiffMargin);
        Assert.Equal(Diff(diffs, Grown).SizeDiff, Diff(live, Grown).SizeDiff);
    }

    [Fact]
    public void Different_epochs_add_variances()
    {
        Snapshot other = Snapshot(Guid.NewGuid(), TakenAt.AddSeconds(5), [.. New.Traces]);
        IReadOnlyList<StatisticDiff> diffs = other.CompareTo(Old, KeyType.LineNo);
        Assert.Equal(Margin(500 + 100), Diff(diffs, Grown).SizeDiffMargin);
        Assert.Equal(Margin(400 + 400), Diff(diffs, Kept).SizeDiffMargin);
        Assert.Equal(Margin(25), Diff(diffs, Gone).SizeDiffMargin);
    }

    [Fact]
    public void Same_epoch_but_older_current_snapshot_adds_variances()
    {
        IReadOnlyList<StatisticDiff> diffs = Old.CompareTo(New, KeyType.LineNo);
        Assert.Equal(Margin(500 + 100), Diff(diffs, Grown).SizeDiffMargin);
        Assert.Equal(-5000, Diff(diffs, Grown).SizeDiff);
    }

    [Fact]
    public void Comparing_a_snapshot_with_itself_changes_nothing()
    {
        IReadOnlyList<StatisticDiff> diffs = New.CompareTo(New, KeyType.Traceback, kind: MemoryKind.Allocated);
        Assert.Equal(3, diffs.Count);
        Assert.All(diffs, d => Assert.Equal((0L, 0L, 0L), (d.SizeDiff, d.CountDiff, d.SizeDiffMargin)));
        Assert.Equal([7000, 1000, 500], diffs.Select(d => d.Size));

        // Live samples are not nested (objects die between snapshots): the margin is the conservative sum.
        IReadOnlyList<StatisticDiff> live = New.CompareTo(New, KeyType.Traceback);
        Assert.All(live, d => Assert.Equal((0L, 0L, MemoryKind.Live), (d.SizeDiff, d.CountDiff, d.Kind)));
        Assert.Equal(Margin(500 + 500), Diff(live, Grown).SizeDiffMargin);
    }

    [Fact]
    public void Diffs_sort_by_absolute_size_change_then_size_then_count_change_then_count_then_key()
    {
        Snapshot before = Snapshot(
            Trace(500, 1, Frame("shrunk.cs", 1)),
            Trace(100, 1, Frame("small.cs", 1)),
            Trace(100, 5, Frame("counts.cs", 1)),
            Trace(100, 1, Frame("b.cs", 1)),
            Trace(100, 1, Frame("a.cs", 1)));
        Snapshot after = Snapshot(
            Trace(100, 1, Frame("shrunk.cs", 1)),
            Trace(400, 1, Frame("small.cs", 1)),
            Trace(200, 1, Frame("big.cs", 1)),
            Trace(200, 2, Frame("counts.cs", 1)),
            Trace(200, 2, Frame("b.cs", 1)),
            Trace(200, 2, Frame("a.cs", 1)));

        // |size diff|: shrunk 400, small 300, big 200, counts/a/b 100; among the 100s counts changed by 3, a and b by 1.
        IReadOnlyList<StatisticDiff> diffs = after.CompareTo(before, KeyType.LineNo);
        Assert.Equal(
            ["shrunk.cs:1", "small.cs:1", "big.cs:1", "counts.cs:1", "a.cs:1", "b.cs:1"],
            diffs.Select(d => d.Traceback.ToString()));

        // Same |size diff|: the bigger current size wins.
        Snapshot tie = Snapshot(Trace(300, 1, Frame("up.cs", 1)), Trace(0, 0, Frame("down.cs", 1)));
        Snapshot tieBefore = Snapshot(Trace(200, 1, Frame("up.cs", 1)), Trace(100, 1, Frame("down.cs", 1)));
        Assert.Equal(["up.cs:1", "down.cs:1"], tie.CompareTo(tieBefore, KeyType.LineNo).Select(d => d.Traceback.ToString()));
    }

    [Fact]
    public void Compare_by_type_and_cumulative()
    {
        IReadOnlyList<StatisticDiff> types = New.CompareTo(Old, KeyType.Type);
        Assert.Equal(["System.Byte[]", "System.String"], types.Select(d => d.TypeName));
        Assert.Equal([5000L, 200L], types.Select(d => d.SizeDiff));

        Snapshot before = Snapshot(Trace(100, 1, Kept, Grown));
        Snapshot after = Snapshot(Trace(100, 1, Kept, Grown), Trace(50, 1, Born, Grown));
        IReadOnlyList<StatisticDiff> cumulative = after.CompareTo(before, KeyType.LineNo, cumulative: true);
        Assert.Equal(["grown.cs:2", "born.cs:4", "kept.cs:1"], cumulative.Select(d => d.Traceback.ToString()));
        Assert.Equal([50L, 50L, 0L], cumulative.Select(d => d.SizeDiff));
        Assert.Equal(150, cumulative[0].Size);
    }

    [Fact]
    public void Null_old_snapshot_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => New.CompareTo(null!, KeyType.LineNo));
    }

    private static long Margin(double variance) => (long)Math.Round(Z95 * Math.Sqrt(variance));

    private static StatisticDiff Diff(IReadOnlyList<StatisticDiff> diffs, Frame frame) => diffs.Single(d => d.Traceback[0] == frame);
}
