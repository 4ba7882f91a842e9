using System.CommandLine;
using System.Globalization;
using MemTrack.Cli.Internal;
using MemTrack.Internal.Formatting;

namespace MemTrack.Cli.Commands;

/// <summary><c>memtrack compare &lt;old&gt; &lt;new&gt;</c>: what grew between two snapshots, as tracemalloc's compare_to.</summary>
internal static class CompareCommand
{
    public static Command Create(CliConsole console)
    {
        Argument<string> oldFile = SharedOptions.SnapshotFile("old", "The older snapshot file.");
        Argument<string> newFile = SharedOptions.SnapshotFile("new", "The newer snapshot file.");
        Option<KeyType> key = SharedOptions.Key();
        Option<MemoryKind?> kind = SharedOptions.Kind();
        Option<int> top = SharedOptions.Top();
        Option<bool> cumulative = new("--cumulative") { Description = "Count each trace under every frame of its stack (lineno, filename, method)." };
        var command = new Command("compare", "Print what changed between two snapshots, biggest change first (tracemalloc's Snapshot.compare_to).")
        {
            oldFile, newFile, key, kind, top, cumulative,
        };
        command.SetAction(result => CommandRunner.Run(console, () =>
        {
            Snapshot older = SnapshotInput.Load(result.GetValue(oldFile)!, console);
            Snapshot newer = SnapshotInput.Load(result.GetValue(newFile)!, console);
            MemoryKind shown = SnapshotInput.KindFor(result.GetValue(kind), older, newer);
            KeyType keyType = result.GetValue(key);
            IReadOnlyList<StatisticDiff> diffs = StatisticsPrinter.Compute(() => newer.CompareTo(older, keyType, result.GetValue(cumulative), shown));
            int count = result.GetValue(top);
            console.Output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Top {Math.Min(count, diffs.Count)} of {diffs.Count} differences by {keyType.ToString().ToLowerInvariant()}, {KindText.Long(shown)}"));
            StatisticsPrinter.PrintWarnings(console.Output, older, "old");
            StatisticsPrinter.PrintWarnings(console.Output, newer, "new");
            StatisticsPrinter.PrintEntries(console.Output, diffs, count, keyType, d => d.Traceback);
            long change = StatisticsPrinter.TotalSize(newer, shown) - StatisticsPrinter.TotalSize(older, shown);
            console.Output.WriteLine("Total change: " + SizeFormatter.Format(change, sign: true));
        }));
        return command;
    }
}
