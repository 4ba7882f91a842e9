using System.Globalization;

namespace MemTrack.Internal.Formatting;

/// <summary>
/// Formats byte counts the way tracemalloc does (B, KiB, MiB, ...; one decimal below 100 of a unit). The standard
/// "F" formats round half to even on the exact value, as Python's <c>%.0f</c> does (custom "0" formats round half away).
/// </summary>
internal static class SizeFormatter
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Format(long size, bool sign = false)
    {
        double value = size;
        foreach (string unit in Units)
        {
            if (Math.Abs(value) < 100 && unit != "B")
            {
                return Render(value, unit, sign, "F1");
            }

            if (Math.Abs(value) < 10 * 1024 || unit == Units[^1])
            {
                return Render(value, unit, sign, "F0");
            }

            value /= 1024.0;
        }

        return Render(value, Units[^1], sign, "F0");
    }

    /// <summary>Formats a margin relative to a value as <c>±6%</c>, or empty when the value is zero.</summary>
    public static string RelativeMargin(long margin, long value) =>
        value == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"±{100.0 * margin / Math.Abs(value):0}%");

    private static string Render(double value, string unit, bool sign, string format)
    {
        string number = value.ToString(format, CultureInfo.InvariantCulture);
        if (sign && value >= 0)
        {
            number = "+" + number;
        }

        return number + " " + unit;
    }
}
