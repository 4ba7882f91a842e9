using System.Globalization;
using MemTrack.Internal.Formatting;

namespace MemTrack;

/// <summary>
/// Live objects of one type in a <see cref="HeapSnapshot"/> (objgraph's <c>show_most_common_types</c>, pympler's
/// summary, heapy's <c>domisize</c>). Exact: every object of the heap is counted.
/// </summary>
/// <param name="TypeName">The type as the runtime names it, e.g. <c>System.Collections.Generic.List`1[MyApp.Order]</c>.</param>
/// <param name="Count">Objects of the type.</param>
/// <param name="Size">Their shallow size in bytes (object headers included, each object rounded up to the pointer size as the GC allocates it).</param>
/// <param name="RetainedSize">
/// Bytes that would be freed if all objects of the type died: their own sizes plus everything reachable only through
/// them, each object counted once.
/// </param>
public sealed record TypeStatistic(string TypeName, long Count, long Size, long RetainedSize)
{
    /// <summary>Formats as <c>MyApp.Order: count=1000, size=32.0 KiB, retained=160 KiB</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{TypeName}: count={Count}, size={SizeFormatter.Format(Size)}, retained={SizeFormatter.Format(RetainedSize)}");
}
