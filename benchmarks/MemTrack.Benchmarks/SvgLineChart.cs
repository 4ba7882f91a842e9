using System.Globalization;
using System.Net;
using System.Text;
using static MemTrack.Benchmarks.BenchFormat;

namespace MemTrack.Benchmarks;

/// <summary>
/// A small SVG line chart with no dependencies: one x axis and two series, the first on a left y axis and the second
/// on a right one (each with its own scale from zero, its ticks and label in the series' colour).
/// </summary>
internal static class SvgLineChart
{
    private const int Width = 900;
    private const int Height = 440;
    private const int Left = 80;
    private const int Right = 80;
    private const int Top = 50;
    private const int Bottom = 60;

    /// <summary>One series: its name (with unit), colour, and one value per x.</summary>
    public sealed record Series(string Label, string Color, IReadOnlyList<double> Values);

    public static string Render(string title, string xLabel, IReadOnlyList<double> xs, Series left, Series right)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(xs.Count, 1);
        ArgumentOutOfRangeException.ThrowIfNotEqual(left.Values.Count, xs.Count);
        ArgumentOutOfRangeException.ThrowIfNotEqual(right.Values.Count, xs.Count);
        double plotWidth = Width - Left - Right;
        double plotHeight = Height - Top - Bottom;
        var xAxis = Axis(xs.Max());
        double xMax = xAxis.Max;
        var svg = new StringBuilder();
        svg.AppendLine(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.AppendLine(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>"));
        svg.AppendLine(Invariant($"<text x=\"{Width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>"));

        // x axis: ticks, grid and label.
        foreach (double tick in Ticks(xAxis))
        {
            double x = Left + (tick / xMax * plotWidth);
            svg.AppendLine(Invariant($"<line x1=\"{x:F1}\" y1=\"{Top}\" x2=\"{x:F1}\" y2=\"{Top + plotHeight}\" stroke=\"#e4e4e4\"/>"));
            svg.AppendLine(Invariant($"<text x=\"{x:F1}\" y=\"{Top + plotHeight + 18}\" text-anchor=\"middle\">{Format(tick)}</text>"));
        }

        svg.AppendLine(Invariant($"<text x=\"{Left + (plotWidth / 2)}\" y=\"{Height - 16}\" text-anchor=\"middle\">{Escape(xLabel)}</text>"));
        AppendAxis(svg, left, Left, -8, "end", plotHeight);
        AppendAxis(svg, right, Left + plotWidth, 8, "start", plotHeight);
        svg.AppendLine(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#444\"/>"));
        AppendLine(svg, xs, xMax, left, plotWidth, plotHeight);
        AppendLine(svg, xs, xMax, right, plotWidth, plotHeight);
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void AppendAxis(StringBuilder svg, Series series, double x, int offset, string anchor, double plotHeight)
    {
        var axis = Axis(series.Values.Max());
        double max = axis.Max;
        foreach (double tick in Ticks(axis))
        {
            double y = Top + plotHeight - (tick / max * plotHeight);
            svg.AppendLine(Invariant($"<text x=\"{x + offset:F1}\" y=\"{y + 4:F1}\" text-anchor=\"{anchor}\" fill=\"{series.Color}\">{Format(tick)}</text>"));
        }

        // The axis label, turned to run along the axis.
        double labelX = offset < 0 ? x - Left + 20 : x + Right - 20;
        double labelY = Top + (plotHeight / 2);
        svg.AppendLine(Invariant(
            $"<text x=\"{labelX:F1}\" y=\"{labelY:F1}\" text-anchor=\"middle\" fill=\"{series.Color}\" transform=\"rotate({(offset < 0 ? -90 : 90)} {labelX:F1} {labelY:F1})\">{Escape(series.Label)}</text>"));
    }

    private static void AppendLine(StringBuilder svg, IReadOnlyList<double> xs, double xMax, Series series, double plotWidth, double plotHeight)
    {
        double max = Axis(series.Values.Max()).Max;
        var points = xs.Select((x, i) => Invariant($"{Left + (x / xMax * plotWidth):F1},{Top + plotHeight - (series.Values[i] / max * plotHeight):F1}"));
        svg.AppendLine(Invariant($"<polyline fill=\"none\" stroke=\"{series.Color}\" stroke-width=\"2\" points=\"{string.Join(' ', points)}\"/>"));
    }

    /// <summary>
    /// The axis for values up to <paramref name="value"/>: a step of 1, 2, 2.5 or 5 times a power of ten giving at most
    /// six intervals, and the first multiple of it at or above the value (1 for values at or below zero).
    /// </summary>
    private static (double Max, double Step) Axis(double value)
    {
        if (value <= 0 || double.IsNaN(value))
        {
            return (1, 0.2);
        }

        double power = Math.Pow(10, Math.Floor(Math.Log10(value / 6)));
        double step = new[] { 1.0, 2, 2.5, 5, 10 }.Select(f => f * power).First(s => s * 6 >= value * (1 - 1e-12));
        return (step * Math.Ceiling((value / step) - 1e-9), step);
    }

    private static IEnumerable<double> Ticks((double Max, double Step) axis) =>
        Enumerable.Range(0, (int)Math.Round(axis.Max / axis.Step) + 1).Select(i => i * axis.Step);

    private static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

}
