using System.Globalization;
using MemTrack.Internal.Formatting;

namespace MemTrack;

/// <summary>
/// The change of one type between two heap captures (objgraph's <c>show_growth</c>, pympler's
/// <c>SummaryTracker.diff</c>). Exact.
/// </summary>
/// <param name="TypeName">The type as the runtime names it.</param>
/// <param name="Count">Objects of the type in the newer capture.</param>
/// <param name="CountDiff">Change of <paramref name="Count"/> from the older capture.</param>
/// <param name="Size">Their shallow size in bytes in the newer capture.</param>
/// <param name="SizeDiff">Change of <paramref name="Size"/> from the older capture.</param>
public sealed record TypeStatisticDiff(string TypeName, long Count, long CountDiff, long Size, long SizeDiff)
{
    /// <summary>Formats as <c>MyApp.Order: count=1000 (+1000), size=32.0 KiB (+32.0 KiB)</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{TypeName}: count={Count} ({CountDiff:+#;-#;0}), size={SizeFormatter.Format(Size)} ({SizeFormatter.Format(SizeDiff, sign: true)})");
}
