using MemTrack.Internal.Analysis;
using MemTrack.Internal.Formatting;
using MemTrack.Internal.Sampling;
using static System.FormattableString;

namespace MemTrack.Internal.Reporting;

/// <summary>
/// Writes the text report of a snapshot: totals, then the top lines by live memory (when the snapshot has live data)
/// and by allocated memory, each with its biggest traceback. Used by <see cref="Snapshot.WriteReport"/> and the exit report.
/// </summary>
internal static class SnapshotReport
{
    public static void Write(TextWriter writer, Snapshot snapshot, int top, int tracebackFrames, TracerFacts? tracer)
    {
        WriteTotals(writer, snapshot, tracer);
        if (snapshot.HasLiveData)
        {
            writer.WriteLine();
            WriteTopLines(writer, snapshot, MemoryKind.Live, top, tracebackFrames);
        }

        writer.WriteLine();
        WriteTopLines(writer, snapshot, MemoryKind.Allocated, top, tracebackFrames);
    }

    private static void WriteTotals(TextWriter writer, Snapshot snapshot, TracerFacts? tracer)
    {
        SampleStats allocated = Total(snapshot, MemoryKind.Allocated);
        writer.WriteLine(Invariant(
            $"MemTrack report of {snapshot.TakenAt:yyyy-MM-dd HH:mm:ss zzz}, traceback depth {snapshot.TracebackLimit}, {snapshot.Traces.Count} allocation sites"));
        writer.WriteLine(Invariant(
            $"Allocated: {SizeFormatter.Format(snapshot.ExactAllocatedBytes)} exact by the process; {Estimate(allocated)} estimated at traced sites from {allocated.Samples} samples"));
        if (snapshot.HasLiveData)
        {
            SampleStats live = Total(snapshot, MemoryKind.Live);
            string peak = tracer?.PeakLiveBytes is long p ? "; peak " + SizeFormatter.Format(p) : string.Empty;
            writer.WriteLine(Invariant($"Live: {Estimate(live)} estimated still alive (not yet freed by a GC) from {live.Samples} samples{peak}"));
        }
        else
        {
            writer.WriteLine(snapshot.IsDegraded ? "Live: not tracked (degraded mode)" : "Live: not tracked (MemTrackerOptions.TrackLiveObjects was off)");
        }

        if (tracer is null)
        {
            writer.WriteLine(Invariant($"Lost events: {snapshot.LostEvents}"));
        }
        else
        {
            writer.WriteLine(Invariant($"Tracer memory: {SizeFormatter.Format(tracer.TracerMemory)}; lost events: {snapshot.LostEvents}"));
        }

        foreach (string warning in SnapshotWarnings.Of(snapshot))
        {
            writer.WriteLine(warning + ".");
        }

        if (SnapshotWarnings.Of(tracer?.Health) is { } failed)
        {
            writer.WriteLine(failed);
        }

        if (tracer?.ReadUpTo is { } readUpTo)
        {
            writer.WriteLine(Invariant(
                $"WARNING: the process ended while the tracer's reader was behind; this report holds the samples read up to {readUpTo:HH:mm:ss.fff}, later ones are missing."));
        }

        if (SnapshotWarnings.InliningNote(snapshot) is { } note)
        {
            writer.WriteLine(note + ".");
        }
    }

    private static void WriteTopLines(TextWriter writer, Snapshot snapshot, MemoryKind kind, int top, int tracebackFrames)
    {
        IReadOnlyList<Statistic> lines = snapshot.Statistics(KeyType.LineNo, kind: kind);
        Dictionary<Frame, (Statistic Biggest, int Count)>? tracebacks = tracebackFrames > 0 ? TracebacksByLine(snapshot, kind) : null;
        int shown = Math.Min(top, lines.Count);
        writer.WriteLine(Invariant($"Top {shown} {(shown == 1 ? "line" : "lines")} by {KindText.Long(kind)}:"));
        for (int i = 0; i < lines.Count && i < top; i++)
        {
            Statistic line = lines[i];
            writer.WriteLine(Invariant($"#{i + 1}: {line}"));
            if (tracebacks is null || line.Traceback.Count == 0 || !tracebacks.TryGetValue(line.Traceback[0], out (Statistic Biggest, int Count) paths))
            {
                continue;
            }

            foreach (string text in paths.Biggest.Traceback.Format(tracebackFrames))
            {
                writer.WriteLine("  " + text);
            }

            if (paths.Count > 1)
            {
                writer.WriteLine(Invariant($"    ({paths.Count - 1} more {(paths.Count == 2 ? "traceback reaches" : "tracebacks reach")} this line)"));
            }
        }

        if (lines.Count > top)
        {
            writer.WriteLine(Invariant($"{lines.Count - top} other lines: {SizeFormatter.Format(SnapshotStatistics.SizeAfter(lines, top))}"));
        }
    }

    /// <summary>
    /// The traceback statistics grouped by their innermost frame (the line key): per line the biggest traceback
    /// (the first in the biggest-first order) and how many tracebacks reach it.
    /// </summary>
    private static Dictionary<Frame, (Statistic Biggest, int Count)> TracebacksByLine(Snapshot snapshot, MemoryKind kind)
    {
        var byLine = new Dictionary<Frame, (Statistic Biggest, int Count)>();
        foreach (Statistic statistic in snapshot.Statistics(KeyType.Traceback, kind: kind))
        {
            if (statistic.Traceback.Count == 0)
            {
                continue;
            }

            byLine[statistic.Traceback[0]] = byLine.TryGetValue(statistic.Traceback[0], out (Statistic Biggest, int Count) entry)
                ? (entry.Biggest, entry.Count + 1)
                : (statistic, 1);
        }

        return byLine;
    }

    private static SampleStats Total(Snapshot snapshot, MemoryKind kind)
    {
        var total = default(SampleStats);
        foreach (Trace trace in snapshot.Traces)
        {
            total.Add(trace.Of(kind));
        }

        return total;
    }

    private static string Estimate(in SampleStats stats)
    {
        string margin = SizeFormatter.RelativeMargin(stats.SizeMargin, stats.RoundedSize);
        return SizeFormatter.Format(stats.RoundedSize) + (margin.Length == 0 ? string.Empty : " (" + margin + ", 95%)");
    }
}
