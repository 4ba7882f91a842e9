using System.CommandLine;
using MemTrack.Cli.Internal;

namespace MemTrack.Cli.Commands;

/// <summary><c>memtrack export &lt;snapshot&gt; --format ... -o &lt;file&gt;</c>: flame graphs and profiles for other tools.</summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        Argument<string> file = SharedOptions.SnapshotFile("snapshot", "Snapshot file.");
        var command = new Command("export", "Export a snapshot as speedscope JSON, pprof, collapsed stacks or an SVG flame graph.") { file };
        command.SetAction(_ => CommandRunner.Run(console, () => throw new CommandFailedException("export is not available yet.")));
        return command;
    }
}
