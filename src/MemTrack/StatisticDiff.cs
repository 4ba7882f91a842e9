using System.Globalization;
using MemTrack.Internal.Formatting;
using MemTrack.Internal.Sampling;

namespace MemTrack;

/// <summary>One group of <see cref="Snapshot.CompareTo"/>: its size and count in the new snapshot and the change from the old one.</summary>
public sealed class StatisticDiff
{
    internal StatisticDiff(Traceback traceback, string? typeName, MemoryKind kind, in SampleStats current, in SampleStats old, double diffSizeVariance)
    {
        Traceback = traceback;
        TypeName = typeName;
        Kind = kind;
        Size = current.RoundedSize;
        Count = current.RoundedCount;
        SizeDiff = current.RoundedSize - old.RoundedSize;
        CountDiff = current.RoundedCount - old.RoundedCount;
        SampleCount = current.Samples;
        SizeDiffMargin = (long)Math.Round(SampleStats.Z95 * Math.Sqrt(Math.Max(diffSizeVariance, 0)));
    }

    /// <summary>The key (see <see cref="Statistic.Traceback"/>).</summary>
    public Traceback Traceback { get; }

    /// <summary>The allocated type for <see cref="KeyType.Type"/>; null for the other keys.</summary>
    public string? TypeName { get; }

    /// <summary>Whether the sizes count live or allocated memory.</summary>
    public MemoryKind Kind { get; }

    /// <summary>Estimated bytes in the new snapshot.</summary>
    public long Size { get; }

    /// <summary>Change of <see cref="Size"/> from the old snapshot.</summary>
    public long SizeDiff { get; }

    /// <summary>Estimated objects in the new snapshot.</summary>
    public long Count { get; }

    /// <summary>Change of <see cref="Count"/> from the old snapshot.</summary>
    public long CountDiff { get; }

    /// <summary>Samples behind the new snapshot's estimate.</summary>
    public long SampleCount { get; }

    /// <summary>
    /// Half-width of the 95% confidence interval of <see cref="SizeDiff"/>, in bytes. For <see cref="MemoryKind.Live"/>
    /// it is conservative (an upper bound): it treats the two snapshots' live samples as independent, although objects
    /// alive in both cancel out.
    /// </summary>
    public long SizeDiffMargin { get; }

    /// <summary>Formats as tracemalloc does: <c>x.cs:14: size=5120 B (+5120 B ±6%), count=80 (+80), average=64 B</c>.</summary>
    public override string ToString()
    {
        long average = Count == 0 ? 0 : Size / Count;
        string key = TypeName ?? Traceback.ToString();
        string margin = SizeFormatter.RelativeMargin(SizeDiffMargin, SizeDiff);
        margin = margin.Length == 0 ? string.Empty : " " + margin;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{key}: size={SizeFormatter.Format(Size)} ({SizeFormatter.Format(SizeDiff, sign: true)}{margin}), count={Count} ({CountDiff:+0;-0;+0}), average={SizeFormatter.Format(average)}");
    }
}
