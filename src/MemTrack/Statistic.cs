using System.Globalization;
using MemTrack.Internal.Formatting;
using MemTrack.Internal.Sampling;

namespace MemTrack;

/// <summary>
/// One group of <see cref="Snapshot.Statistics"/>: the traces that share a key (a line, a file, a traceback, a method
/// or a type), with their estimated total size and count and the uncertainty of those estimates.
/// </summary>
public sealed class Statistic
{
    internal Statistic(Traceback traceback, string? typeName, MemoryKind kind, in SampleStats stats)
    {
        Traceback = traceback;
        TypeName = typeName;
        Kind = kind;
        Stats = stats;
    }

    /// <summary>The key: one frame for line, file and method keys, the whole traceback for <see cref="KeyType.Traceback"/>, empty for <see cref="KeyType.Type"/>.</summary>
    public Traceback Traceback { get; }

    /// <summary>The allocated type for <see cref="KeyType.Type"/>; null for the other keys.</summary>
    public string? TypeName { get; }

    /// <summary>Whether the sizes count live or allocated memory.</summary>
    public MemoryKind Kind { get; }

    /// <summary>Estimated bytes.</summary>
    public long Size => Stats.RoundedSize;

    /// <summary>Estimated number of objects.</summary>
    public long Count => Stats.RoundedCount;

    /// <summary>Number of allocation samples behind the estimates (relative error is about ±1.96/√samples).</summary>
    public long SampleCount => Stats.Samples;

    /// <summary>Half-width of the 95% confidence interval of <see cref="Size"/>, in bytes.</summary>
    public long SizeMargin => Stats.SizeMargin;

    /// <summary>Half-width of the 95% confidence interval of <see cref="Count"/>.</summary>
    public long CountMargin => Stats.CountMargin;

    internal SampleStats Stats { get; }

    /// <summary>Formats as tracemalloc does, with the uncertainty: <c>x.cs:14: size=5120 KiB (±6%), count=80, average=64 B</c>.</summary>
    public override string ToString()
    {
        long average = Count == 0 ? 0 : Size / Count;
        string key = TypeName ?? Traceback.ToString();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{key}: size={SizeFormatter.Format(Size)}{Margin()}, count={Count}, average={SizeFormatter.Format(average)}");
    }

    private string Margin()
    {
        string relative = SizeFormatter.RelativeMargin(SizeMargin, Size);
        return relative.Length == 0 ? string.Empty : " (" + relative + ")";
    }
}
