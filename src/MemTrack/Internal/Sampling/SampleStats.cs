namespace MemTrack.Internal.Sampling;

/// <summary>
/// Sufficient statistics of the allocation samples behind one trace or group: the Horvitz-Thompson estimates of
/// bytes and objects, and their variances. Each sampled object of size s had inclusion probability
/// pi = 1 - (1 - p)^s with p = 1 / <see cref="SamplingInterval"/>, so it stands for 1/pi objects and s/pi bytes.
/// </summary>
internal struct SampleStats : IEquatable<SampleStats>
{
    /// <summary>Mean distance in bytes between samples (the runtime's AllocationSampled rate: 100 KiB per thread).</summary>
    public const double SamplingInterval = 102_400;

    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    private static readonly double LogQ = Math.Log(1.0 - (1.0 / SamplingInterval));

    public long Samples;
    public double Size;
    public double Count;
    public double SizeVariance;
    public double CountVariance;

    public readonly long RoundedSize => (long)Math.Round(Size);

    public readonly long RoundedCount => (long)Math.Round(Count);

    /// <summary>Half-width of the 95% interval of <see cref="Size"/>, in bytes.</summary>
    public readonly long SizeMargin => (long)Math.Round(Z95 * Math.Sqrt(SizeVariance));

    /// <summary>Half-width of the 95% interval of <see cref="Count"/>.</summary>
    public readonly long CountMargin => (long)Math.Round(Z95 * Math.Sqrt(CountVariance));

    /// <summary>Probability that an object of <paramref name="objectSize"/> bytes is sampled.</summary>
    public static double InclusionProbability(long objectSize) => -double.ExpM1(Math.Max(objectSize, 1) * LogQ);

    /// <summary>One sample of <paramref name="objectSize"/> bytes: computed once, added to (and taken back from) every sum that counts it.</summary>
    public static SampleStats One(long objectSize)
    {
        double pi = InclusionProbability(objectSize);
        double weight = 1 / pi;
        double varianceFactor = (1.0 - pi) / (pi * pi);
        double size = objectSize;
        return new SampleStats
        {
            Samples = 1,
            Size = size * weight,
            Count = weight,
            SizeVariance = size * size * varianceFactor,
            CountVariance = varianceFactor,
        };
    }

    public void Add(long objectSize) => Add(One(objectSize));

    /// <summary>
    /// Takes back <paramref name="one"/> (see <see cref="One"/>), a sample added before. When the last sample goes,
    /// the sums return to exactly zero.
    /// </summary>
    public void Remove(in SampleStats one)
    {
        if (Samples <= 1)
        {
            this = default;
            return;
        }

        Samples -= one.Samples;
        Size -= one.Size;
        Count -= one.Count;
        SizeVariance -= one.SizeVariance;
        CountVariance -= one.CountVariance;

        // Rounding must not leave a sum below zero.
        Size = Math.Max(Size, 0);
        Count = Math.Max(Count, 0);
        SizeVariance = Math.Max(SizeVariance, 0);
        CountVariance = Math.Max(CountVariance, 0);
    }

    public void Add(in SampleStats other)
    {
        Samples += other.Samples;
        Size += other.Size;
        Count += other.Count;
        SizeVariance += other.SizeVariance;
        CountVariance += other.CountVariance;
    }

    /// <summary>
    /// The samples of <paramref name="later"/> that <paramref name="earlier"/> does not hold, when both count the same
    /// samples cumulatively (one tracing epoch): the sums and their variances are differences; never below zero.
    /// </summary>
    public static SampleStats Since(in SampleStats later, in SampleStats earlier) => new()
    {
        Samples = Math.Max(later.Samples - earlier.Samples, 0),
        Size = Math.Max(later.Size - earlier.Size, 0),
        Count = Math.Max(later.Count - earlier.Count, 0),
        SizeVariance = Math.Max(later.SizeVariance - earlier.SizeVariance, 0),
        CountVariance = Math.Max(later.CountVariance - earlier.CountVariance, 0),
    };

    public readonly bool Equals(SampleStats other) =>
        Samples == other.Samples && Size.Equals(other.Size) && Count.Equals(other.Count)
        && SizeVariance.Equals(other.SizeVariance) && CountVariance.Equals(other.CountVariance);

    public override readonly bool Equals(object? obj) => obj is SampleStats other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(Samples, Size, Count, SizeVariance, CountVariance);
}
