using System.CommandLine;
using System.Globalization;
using MemTrack.Cli.Internal;
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
            IReadOnlyList<Statistic> statistics = Statistics(() => snapshot.Statistics(keyType, result.GetValue(cumulative), shown));
            Print(console.Output, snapshot, statistics, keyType, shown, result.GetValue(top));
        }));
        return command;
    }

    /// <summary>Runs a statistics call, turning an invalid combination (cumulative traceback) into a one-line error.</summary>
    internal static T Statistics<T>(Func<T> compute)
    {
        try
        {
            return compute();
        }
        catch (ArgumentException ex) when (ex.ParamName == "cumulative")
        {
            throw new CommandFailedException("--cumulative works with --key lineno, filename or method.", ExitCodes.Usage);
        }
    }

    private static void Print(TextWriter output, Snapshot snapshot, IReadOnlyList<Statistic> statistics, KeyType keyType, MemoryKind kind, int top)
    {
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Top {Math.Min(top, statistics.Count)} of {statistics.Count} by {keyType.ToString().ToLowerInvariant()}, {Describe(kind)}; snapshot of {snapshot.TakenAt:yyyy-MM-dd HH:mm:ss zzz}, depth {snapshot.TracebackLimit}, lost events {snapshot.LostEvents}"));
        for (int i = 0; i < statistics.Count && i < top; i++)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#{i + 1}: {statistics[i]}"));
            if (keyType == KeyType.Traceback)
            {
                foreach (string line in statistics[i].Traceback.Format())
                {
                    output.WriteLine(line);
                }
            }
        }

        long rest = statistics.Skip(top).Sum(s => s.Size);
        if (statistics.Count > top)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{statistics.Count - top} other: {FormatSize(rest)}"));
        }

        output.WriteLine("Total: " + FormatSize(statistics.Sum(s => s.Size)));
    }

    internal static string Describe(MemoryKind kind) =>
        kind == MemoryKind.Live ? "live memory (estimated, still alive at the snapshot)" : "allocated memory (estimated, dead or alive)";

    internal static string FormatSize(long bytes) => SizeFormatter.Format(bytes);
}
