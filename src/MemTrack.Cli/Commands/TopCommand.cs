using System.CommandLine;
using System.Globalization;
using MemTrack.Cli.Internal;
using MemTrack.Internal.Analysis;
using MemTrack.Internal.Formatting;

namespace MemTrack.Cli.Commands;

/// <summary><c>memtrack top &lt;snapshot&gt;</c>: the biggest entries of one snapshot, as tracemalloc's statistics.</summary>
internal static class TopCommand
{
    public static Command Create(CliConsole console)
    {
        Argument<string> file = SharedOptions.SnapshotFile("snapshot", "Snapshot file (from Snapshot.Dump, MEMTRACK_SNAPSHOT or memtrack run --snapshot).");
        Option<KeyType> key = SharedOptions.Key();
        Option<MemoryKind?> kind = SharedOptions.Kind();
        Option<int> top = SharedOptions.Top();
        Option<bool> cumulative = new("--cumulative") { Description = "Count each trace under every frame of its stack, not only the innermost (lineno, filename, method)." };
        var command = new Command("top", "Print the top allocation sites of a snapshot (tracemalloc's Snapshot.statistics).") { file, key, kind, top, cumulative };
        command.SetAction(result => CommandRunner.Run(console, () =>
        {
            Snapshot snapshot = SnapshotInput.Load(result.GetValue(file)!, console);
            MemoryKind shown = SnapshotInput.KindFor(result.GetValue(kind), snapshot);
            KeyType keyType = result.GetValue(key);
            bool isCumulative = result.GetValue(cumulative);
            IReadOnlyList<Statistic> statistics = StatisticsPrinter.Compute(() => snapshot.Statistics(keyType, isCumulative, shown));
            Print(console.Output, snapshot, statistics, keyType, shown, result.GetValue(top), isCumulative);
        }));
        return command;
    }

    private static void Print(TextWriter output, Snapshot snapshot, IReadOnlyList<Statistic> statistics, KeyType keyType, MemoryKind kind, int top, bool cumulative)
    {
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Top {Math.Min(top, statistics.Count)} of {statistics.Count} by {keyType.ToString().ToLowerInvariant()}{(cumulative ? " (cumulative)" : string.Empty)}, {KindText.Long(kind)}; snapshot of {snapshot.TakenAt:yyyy-MM-dd HH:mm:ss zzz}, depth {snapshot.TracebackLimit}, lost events {snapshot.LostEvents}"));
        StatisticsPrinter.PrintWarnings(output, snapshot);
        StatisticsPrinter.PrintEntries(output, statistics, top, keyType, s => s.Traceback);
        if (statistics.Count > top && !cumulative)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{statistics.Count - top} other: {SizeFormatter.Format(SnapshotStatistics.SizeAfter(statistics, top))}"));
        }

        output.WriteLine("Total: " + SizeFormatter.Format(StatisticsPrinter.TotalSize(snapshot, kind)));
    }
}
