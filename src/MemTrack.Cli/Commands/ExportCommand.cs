using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MemTrack.Cli.Internal;
using MemTrack.Internal.Formatting;

namespace MemTrack.Cli.Commands;

/// <summary><c>memtrack export &lt;snapshot&gt; --format ... -o &lt;file&gt;</c>: flame graphs and profiles for other tools.</summary>
internal static class ExportCommand
{
    /// <summary>Snapshots with at least this many traces get progress lines.</summary>
    public const int ProgressThreshold = 10_000;

    public static Command Create(CliConsole console)
    {
        Argument<string> file = SharedOptions.SnapshotFile("snapshot", "Snapshot file.");
        Option<ExportFormat> format = new("--format", "-f")
        {
            Description = "speedscope (JSON for speedscope.app), pprof (gzipped protobuf for go tool pprof and Pyroscope), collapsed (flamegraph.pl and inferno input), or flamegraph (self-contained SVG).",
            HelpName = "speedscope|pprof|collapsed|flamegraph",
            Required = true,
            CustomParser = result => ParseFormat(result.Tokens.Single().Value, result),
        };
        Option<string> output = new("--output", "-o") { Description = "File to write (replaced; readable only by you).", Required = true };
        Option<MemoryKind?> kind = SharedOptions.Kind();
        var command = new Command("export", "Export a snapshot as speedscope JSON, pprof, collapsed stacks or an SVG flame graph (the allocated type is the leaf frame).")
        {
            file, format, output, kind,
        };
        command.SetAction(result => CommandRunner.Run(console, () =>
        {
            Snapshot snapshot = SnapshotInput.Load(result.GetValue(file)!, console);
            MemoryKind shown = SnapshotInput.KindFor(result.GetValue(kind), snapshot);
            string path = result.GetValue(output)!;
            bool progress = snapshot.Traces.Count >= ProgressThreshold;
            if (progress)
            {
                console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Exporting {snapshot.Traces.Count} traces..."));
            }

            var clock = Stopwatch.StartNew();
            try
            {
                snapshot.Export(path, result.GetValue(format), shown);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailedException($"{path} could not be written: {ex.Message}");
            }

            console.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Wrote {path} ({SizeFormatter.Format(new FileInfo(path).Length)}, {KindText.Short(shown)}){(progress ? $" in {clock.Elapsed.TotalSeconds:0.0} s" : string.Empty)}."));
            StatisticsPrinter.PrintWarnings(console.Error, snapshot);
        }));
        return command;
    }

    private static ExportFormat ParseFormat(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        switch (text.ToLowerInvariant())
        {
            case "speedscope":
                return ExportFormat.Speedscope;
            case "pprof":
                return ExportFormat.Pprof;
            case "collapsed":
                return ExportFormat.CollapsedStacks;
            case "flamegraph":
            case "svg":
                return ExportFormat.FlameGraph;
            default:
                result.AddError($"'{text}' is not one of: speedscope, pprof, collapsed, flamegraph.");
                return default;
        }
    }
}
