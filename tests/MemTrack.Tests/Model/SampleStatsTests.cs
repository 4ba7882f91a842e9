using MemTrack.Internal.Sampling;

namespace MemTrack.Tests.Model;

public class SampleStatsTests
{
    [Fact]
    public void Thousand_samples_of_100_byte_objects()
    {
        var stats = default(SampleStats);
        for (int i = 0; i < 1000; i++)
        {
            stats.Add(100);
        }

        double pi = SampleStats.InclusionProbability(100);
        Assert.Equal(1000, stats.Samples);
        Assert.Equal(1000 / pi * 100, stats.Size, 1e-9 * stats.Size);
        Assert.Equal(1000 / pi, stats.Count, 1e-9 * stats.Count);

        // pi is close to 100 / 102400: each sample stands for about 1024 objects.
        Assert.InRange(stats.Size, 0.99 * 1000 * 102_400, 1.01 * 1000 * 102_400);

        double relative = (double)stats.SizeMargin / stats.Size;
        double expected = 1.96 / Math.Sqrt(1000);
        Assert.InRange(relative, expected * 0.99, expected * 1.01);
        Assert.InRange((double)stats.CountMargin / stats.Count, expected * 0.99, expected * 1.01);
    }

    [Fact]
    public void Relative_error_shrinks_with_the_square_root_of_the_samples()
    {
        foreach ((int samples, double expected) in new[] { (10, 0.62), (1000, 0.062), (10_000, 0.0196) })
        {
            var stats = default(SampleStats);
            for (int i = 0; i < samples; i++)
            {
                stats.Add(64);
            }

            Assert.InRange(Math.Sqrt(stats.SizeVariance) * SampleStats.Z95 / stats.Size, expected * 0.99, expected * 1.01);
        }
    }

    [Fact]
    public void Inclusion_probability_follows_object_size()
    {
        Assert.Equal(1.0 / SampleStats.SamplingInterval, SampleStats.InclusionProbability(1), 1e-12);
        Assert.Equal(SampleStats.InclusionProbability(1), SampleStats.InclusionProbability(0));
        Assert.Equal(1 - Math.Pow(1 - (1 / 102_400.0), 1000), SampleStats.InclusionProbability(1000), 1e-12);
        Assert.True(SampleStats.InclusionProbability(100) < SampleStats.InclusionProbability(1000));
        Assert.Equal(1.0, SampleStats.InclusionProbability(100_000_000), 1e-12);
    }

    [Fact]
    public void Huge_objects_are_counted_exactly()
    {
        var stats = default(SampleStats);
        stats.Add(100_000_000);
        Assert.Equal(100_000_000, stats.RoundedSize);
        Assert.Equal(1, stats.RoundedCount);
        Assert.Equal(0, stats.SizeMargin);
    }

    [Fact]
    public void Adding_stats_sums_every_field()
    {
        var a = new SampleStats { Samples = 1, Size = 10, Count = 2, SizeVariance = 3, CountVariance = 4 };
        var b = new SampleStats { Samples = 5, Size = 6.75, Count = 7, SizeVariance = 8, CountVariance = 9 };
        a.Add(b);
        Assert.Equal(new SampleStats { Samples = 6, Size = 16.75, Count = 9, SizeVariance = 11, CountVariance = 13 }, a);
        Assert.Equal(17, a.RoundedSize);
        Assert.Equal((long)Math.Round(SampleStats.Z95 * Math.Sqrt(11)), a.SizeMargin);
        Assert.Equal((long)Math.Round(SampleStats.Z95 * Math.Sqrt(13)), a.CountMargin);
    }

    [Fact]
    public void Equality_compares_all_fields()
    {
        var a = new SampleStats { Samples = 1, Size = 2, Count = 3, SizeVariance = 4, CountVariance = 5 };
        Assert.True(a.Equals((object)a));
        Assert.Equal(a.GetHashCode(), new SampleStats { Samples = 1, Size = 2, Count = 3, SizeVariance = 4, CountVariance = 5 }.GetHashCode());
        Assert.NotEqual(a, a with { CountVariance = 6 });
        Assert.NotEqual(a, a with { Samples = 2 });
        Assert.False(a.Equals("not stats"));
    }
}
