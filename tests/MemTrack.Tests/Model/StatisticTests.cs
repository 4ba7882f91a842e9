using MemTrack.Internal.Sampling;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Model;

public class StatisticTests
{
    private static readonly Traceback Line14 = new([Frame("x.cs", 14)]);

    // A variance whose 95% margin is exactly 'margin' bytes after rounding.
    private static double VarianceFor(long margin) => Math.Pow(margin / SampleStats.Z95, 2);

    [Fact]
    public void Statistic_formats_like_tracemalloc_with_the_margin()
    {
        var statistic = new Statistic(Line14, null, MemoryKind.Allocated, Stats(5120 * 1024, 80, samples: 1000, sizeVariance: VarianceFor(314573)));
        Assert.Equal("x.cs:14: size=5120 KiB (±6%), count=80, average=64.0 KiB", statistic.ToString());
        Assert.Equal((5120L * 1024, 80L, 1000L, 314573L), (statistic.Size, statistic.Count, statistic.SampleCount, statistic.SizeMargin));
    }

    [Fact]
    public void Statistic_shows_the_type_for_type_keys_and_handles_zero()
    {
        Assert.Equal(
            "System.Byte[]: size=0 B, count=0, average=0 B",
            new Statistic(Traceback.Empty, "System.Byte[]", MemoryKind.Allocated, default).ToString());
        Assert.Equal(
            "<unknown>: size=5120 B (±0%), count=80, average=64 B",
            new Statistic(Traceback.Empty, null, MemoryKind.Allocated, Stats(5120, 80)).ToString());
    }

    [Fact]
    public void Statistic_margins_come_from_the_variances()
    {
        var statistic = new Statistic(Line14, null, MemoryKind.Allocated, Stats(1000, 10, sizeVariance: 100, countVariance: 4));
        Assert.Equal((long)Math.Round(SampleStats.Z95 * 10), statistic.SizeMargin);
        Assert.Equal((long)Math.Round(SampleStats.Z95 * 2), statistic.CountMargin);
        Assert.Equal(Line14, statistic.Traceback);
        Assert.Null(statistic.TypeName);
    }

    [Fact]
    public void StatisticDiff_formats_like_tracemalloc_compare_to()
    {
        var diff = new StatisticDiff(Line14, null, MemoryKind.Allocated, Stats(5120, 80), default, 0);
        Assert.Equal("x.cs:14: size=5120 B (+5120 B ±0%), count=80 (+80), average=64 B", diff.ToString());

        var grown = new StatisticDiff(Line14, null, MemoryKind.Allocated, Stats(20480, 100), Stats(10240, 20), VarianceFor(614));
        Assert.Equal("x.cs:14: size=20.0 KiB (+10.0 KiB ±6%), count=100 (+80), average=204 B", grown.ToString());
    }

    [Fact]
    public void StatisticDiff_shows_decreases_and_no_change()
    {
        var shrunk = new StatisticDiff(Line14, "System.String", MemoryKind.Allocated, Stats(1024, 16), Stats(6144, 96), 0);
        Assert.Equal("System.String: size=1024 B (-5120 B ±0%), count=16 (-80), average=64 B", shrunk.ToString());
        var same = new StatisticDiff(Line14, null, MemoryKind.Allocated, Stats(1024, 16), Stats(1024, 16), 0);
        Assert.Equal("x.cs:14: size=1024 B (+0 B), count=16 (+0), average=64 B", same.ToString());
    }

    [Fact]
    public void StatisticDiff_properties()
    {
        var diff = new StatisticDiff(Line14, "T", MemoryKind.Allocated, Stats(300, 3, samples: 7), Stats(100, 1), 400);
        Assert.Equal((300L, 200L, 3L, 2L, 7L), (diff.Size, diff.SizeDiff, diff.Count, diff.CountDiff, diff.SampleCount));
        Assert.Equal((long)Math.Round(SampleStats.Z95 * 20), diff.SizeDiffMargin);
        Assert.Equal("T", diff.TypeName);
        Assert.Same(Line14, diff.Traceback);
        Assert.Equal(0, new StatisticDiff(Line14, null, MemoryKind.Allocated, default, default, -5).SizeDiffMargin);
    }
}
