using System.Globalization;
using System.Text.RegularExpressions;
using MemTrack.Tests.Shared;

namespace MemTrack.Tests.TestSupport;

/// <summary>
/// Runs tests/MemTrack.LineShapes (allocating code compiled with optimizations) or its unoptimized twin as a child
/// process and reads, for every allocating line of every shape, the share of that type's bytes charged to the line.
/// </summary>
internal static partial class LineShapes
{
    public const string RichDebugInfo = "DOTNET_RichDebugInfo";

    public static IReadOnlyList<LineResult> Run(bool optimized, bool cold = false, bool richDebugInfo = false, params string[] shapes)
    {
        string project = optimized ? "MemTrack.LineShapes" : "MemTrack.LineShapes.Debug";
        string dll = ChildProcess.SiblingOutput("MemTrack.Tests", project, project + ".dll");
        var environment = new Dictionary<string, string?> { [RichDebugInfo] = richDebugInfo ? "1" : null };
        ChildResult result = ChildProcess.RunDotnet([dll, .. cold ? ["--cold"] : Array.Empty<string>(), .. shapes], environment, TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"{project} failed ({result.ExitCode}):\n{result.Output}");
        Assert.DoesNotContain("warning:", result.Output, StringComparison.Ordinal);
        Assert.Contains($"optimized={optimized}", result.StandardOutput, StringComparison.Ordinal);

        List<LineResult> lines = [];
        foreach (Match match in ResultLine().Matches(result.StandardOutput))
        {
            lines.Add(new LineResult(
                match.Groups["shape"].Value,
                match.Groups["type"].Value,
                double.Parse(match.Groups["share"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["callerLine"].Value, CultureInfo.InvariantCulture),
                double.Parse(match.Groups["callerShare"].Value, CultureInfo.InvariantCulture),
                double.Parse(match.Groups["inlined"].Value, CultureInfo.InvariantCulture),
                double.Parse(match.Groups["callerNext"].Value, CultureInfo.InvariantCulture),
                long.Parse(match.Groups["samples"].Value, CultureInfo.InvariantCulture),
                match.Groups["rest"].Value));
        }

        Assert.NotEmpty(lines);
        return lines;
    }

    [GeneratedRegex(@"^shape=(?<shape>\S+) type=(?<type>\S+) line=\d+ share=(?<share>[\d.]+) callerLine=(?<callerLine>\d+) callerShare=(?<callerShare>[\d.]+) inlined=(?<inlined>[\d.]+) callerNext=(?<callerNext>[\d.]+) samples=(?<samples>\d+) (?<rest>.*)$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}

/// <summary>
/// One allocating line of a shape: the share of its type's bytes charged to it; for a call the JIT may inline
/// (<see cref="CallerLine"/> not 0) the share charged to that call's line instead, the share whose first frame is an
/// inlined one, and the share whose second frame is the call's line.
/// </summary>
internal sealed record LineResult(string Shape, string Type, double Share, int CallerLine, double CallerShare, double Inlined, double CallerNext, long Samples, string Top)
{
    public override string ToString() =>
        $"{Shape} {Type}: {Share:P0} on its line, {CallerShare:P0} on the caller's, {Inlined:P0} inlined, {CallerNext:P0} with the caller next ({Samples} samples; top {Top})";
}
