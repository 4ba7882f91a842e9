using System.Globalization;
using MemTrack.Internal.Formatting;
using MemTrack.Internal.Sampling;

namespace MemTrack;

/// <summary>
/// Live objects of one type in a <see cref="HeapSnapshot"/> that were allocated at one traceback and are held by one
/// root: "these Orders are held by OrderService.s_openOrders and were allocated at OrderService.cs:42". The capture
/// counts every object of the type under that root exactly; the sites under it share that count and size by their
/// share of the tracer's live samples (a ratio estimator), so they add up to the exact figures, and a root with one
/// site is exact. The margins are those of the share (0 for a single site).
/// </summary>
public sealed class HeapAllocationSite
{
    internal HeapAllocationSite(string typeName, Traceback traceback, string heldBy, RootKind? heldByKind, in SampleStats stats)
    {
        TypeName = typeName;
        Traceback = traceback;
        HeldBy = heldBy;
        HeldByKind = heldByKind;
        Stats = stats;
    }

    /// <summary>The type, as in <see cref="TypeStatistic.TypeName"/>.</summary>
    public string TypeName { get; }

    /// <summary>Where the objects were allocated (as deep as the tracer's depth).</summary>
    public Traceback Traceback { get; }

    /// <summary>The root on the shortest path to the objects (<see cref="RootPath.RootName"/>), or <c>&lt;no reported root&gt;</c>.</summary>
    public string HeldBy { get; }

    /// <summary>The kind of that root; null when no reported root reaches the objects.</summary>
    public RootKind? HeldByKind { get; }

    /// <summary>Estimated live objects.</summary>
    public long Count => Stats.RoundedCount;

    /// <summary>Estimated live bytes.</summary>
    public long Size => Stats.RoundedSize;

    /// <summary>Half-width of the 95% confidence interval of <see cref="Size"/>, in bytes.</summary>
    public long SizeMargin => Stats.SizeMargin;

    /// <summary>Half-width of the 95% confidence interval of <see cref="Count"/>.</summary>
    public long CountMargin => Stats.CountMargin;

    /// <summary>Sampled objects behind the estimates.</summary>
    public long SampleCount => Stats.Samples;

    internal SampleStats Stats { get; }

    /// <summary>Formats as <c>~10000 MyApp.Order (±9%), 312 KiB, held by MyApp.OrderService.s_openOrders, allocated at OrderService.cs:42</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"~{Count} {TypeName} ({SizeFormatter.RelativeMargin(CountMargin, Count)}), {SizeFormatter.Format(Size)}, held by {HeldBy}, allocated at {(Traceback.Count > 0 ? Traceback[0].ToString() : "?")}");
}
