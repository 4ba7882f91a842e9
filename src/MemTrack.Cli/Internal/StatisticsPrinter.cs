using System.Globalization;
using MemTrack.Internal.Reporting;

namespace MemTrack.Cli.Internal;

/// <summary>Computes and prints statistics for <c>top</c> and <c>compare</c>, one way for both.</summary>
internal static class StatisticsPrinter
{
    /// <summary>Runs a statistics call, turning an invalid combination (cumulative traceback) into a usage error.</summary>
    public static T Compute<T>(Func<T> compute)
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

    /// <summary>Prints <c>#1: entry</c> lines for the first <paramref name="top"/> entries, with the frames of each traceback key.</summary>
    public static void PrintEntries<T>(TextWriter output, IReadOnlyList<T> entries, int top, KeyType keyType, Func<T, Traceback> traceback)
        where T : notnull
    {
        for (int i = 0; i < entries.Count && i < top; i++)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#{i + 1}: {entries[i]}"));
            if (keyType == KeyType.Traceback)
            {
                foreach (string line in traceback(entries[i]).Format())
                {
                    output.WriteLine(line);
                }
            }
        }
    }

    /// <summary>Prints one line per warning the snapshot carries (lost events, degraded mode), prefixed with <paramref name="label"/> when given.</summary>
    public static void PrintWarnings(TextWriter output, Snapshot snapshot, string? label = null)
    {
        foreach (string warning in SnapshotWarnings.Of(snapshot))
        {
            output.WriteLine((label is null ? string.Empty : label + ": ") + warning + ".");
        }
    }

    /// <summary>
    /// Estimated bytes of <paramref name="kind"/> in the whole snapshot, from its traces: cumulative statistics count
    /// a trace under every frame, so their sum is not a total.
    /// </summary>
    public static long TotalSize(Snapshot snapshot, MemoryKind kind) => snapshot.Traces.Sum(t => t.Of(kind).RoundedSize);
}
