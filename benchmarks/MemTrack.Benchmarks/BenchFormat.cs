using System.Globalization;

namespace MemTrack.Benchmarks;

/// <summary>Number formatting for the harnesses' tables: invariant culture, signed percentages.</summary>
internal static class BenchFormat
{
    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary><paramref name="ratio"/> as a signed percentage with <paramref name="decimals"/> decimals ("+1.25%", "-0.40%", "0.00%").</summary>
    public static string SignedPercent(double ratio, int decimals)
    {
        double rounded = Math.Round(ratio * 100, decimals);
        string number = Math.Abs(rounded).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return (rounded > 0 ? "+" : rounded < 0 ? "-" : string.Empty) + number + "%";
    }
}
