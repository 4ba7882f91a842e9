using System.CommandLine;
using MemTrack.Cli.Internal;

namespace MemTrack.Cli.Commands;

/// <summary><c>memtrack report &lt;snapshot&gt;</c>: the same report the process writes at exit.</summary>
internal static class ReportCommand
{
    public static Command Create(CliConsole console)
    {
        Argument<string> file = SharedOptions.SnapshotFile("snapshot", "Snapshot file.");
        Option<int> top = SharedOptions.Top();
        Option<int> frames = new("--frames")
        {
            Description = "Frames printed under each line (0 prints none).",
            DefaultValueFactory = _ => ExitReportOptions.DefaultTracebackFrames,
            Validators = { result => SharedOptions.RequireRange(result, 0, int.MaxValue, "--frames must be 0 or more.") },
        };
        var command = new Command("report", "Print the totals and the top lines by live and allocated memory, with their biggest traceback (the exit report).")
        {
            file, top, frames,
        };
        command.SetAction(result => CommandRunner.Run(console, () =>
            SnapshotInput.Load(result.GetValue(file)!, console).WriteReport(console.Output, result.GetValue(top), result.GetValue(frames))));
        return command;
    }
}
