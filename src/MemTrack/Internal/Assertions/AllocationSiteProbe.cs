using System.Diagnostics;
using System.Globalization;
using System.Text;
using MemTrack.Internal.Formatting;
using MemTrack.Internal.Session;

namespace MemTrack.Internal.Assertions;

/// <summary>
/// Finds where a failing action's bytes go: runs it again under a tracer of its own (its own EventPipe session, never
/// the application's tracer, which it neither starts, stops nor blocks) until sampling has seen enough of its
/// allocations, and lists the top sites. For an assertion of the current thread only that thread's samples count, so
/// other threads (parallel tests) never appear; the asynchronous assertions measure the whole process and say so.
/// Sampling sees about one allocation per 100 KiB, so the probe repeats the action up to <see cref="TargetBytes"/> or
/// <see cref="TimeLimit"/>, whichever comes first.
/// </summary>
internal static class AllocationSiteProbe
{
    /// <summary>About 40 samples: enough to rank the sites of a typical action.</summary>
    public const long TargetBytes = 4 << 20;

    public const int TopSites = 5;

    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

    private static readonly MemTrackerOptions ProbeOptions = new() { Depth = 8, TrackLiveObjects = false };

    /// <summary>Lines for a failure message: the top allocation sites per iteration, or why there are none.</summary>
    public static async ValueTask<string> DescribeAsync(Func<ValueTask> action, int minRuns, AllocationScopeKind kind)
    {
        // The OS thread id is known on Linux and Windows; elsewhere the probe lists the whole process's sites.
        int threadId = NativeThread.CurrentId();
        bool thisThread = kind == AllocationScopeKind.CurrentThread && threadId >= 0;
        Tracer tracer;
        try
        {
            tracer = new Tracer(ProbeOptions, onlyThreadId: thisThread ? threadId : null);
        }
        catch (Exception ex) when (ex is MemTrackException or InvalidOperationException)
        {
            return "Allocation sites: unavailable, the tracer could not start (" + ex.Message + ")";
        }

        using (tracer)
        {
            long runs = 0;
            var clock = Stopwatch.StartNew();
            long start = AllocationScope.Read(kind);
            while (runs < minRuns || (AllocationScope.Read(kind) - start < TargetBytes && clock.Elapsed < TimeLimit))
            {
                await action().ConfigureAwait(true);
                runs++;
            }

            long allocated = AllocationScope.Read(kind) - start;
            Snapshot? snapshot;
            try
            {
                snapshot = tracer.TakeSnapshot(collect: false);
            }
            catch (MemTrackException)
            {
                snapshot = null;
            }

            return Format(snapshot, allocated, runs, thisThread);
        }
    }

    public static string Describe(Action action, int minRuns) =>
        AllocationMeasurement.Complete(DescribeAsync(AllocationMeasurement.Wrap(action), minRuns, AllocationScopeKind.CurrentThread));

    private static string Format(Snapshot? snapshot, long allocated, long runs, bool thisThread)
    {
        var text = new StringBuilder();
        string probe = string.Create(
            CultureInfo.InvariantCulture,
            $"the action ran {runs} more times under the tracer, allocating {SizeFormatter.Format(allocated)}; {(thisThread ? "this thread's samples only" : "samples of the whole process")}");
        if (snapshot is null)
        {
            return "Allocation sites: unavailable (" + probe + ", but the tracer did not catch up).";
        }

        Trace[] top = [.. snapshot.Traces.OrderByDescending(t => t.Size).Take(TopSites)];
        if (top.Length == 0)
        {
            return "Allocation sites: none sampled (" + probe + "; sampling sees about one allocation per 100 KiB, "
                + "so allocations this small are too rare to be caught).";
        }

        text.Append(CultureInfo.InvariantCulture, $"Top allocation sites (sampled estimates per iteration; {probe}):");
        foreach (Trace trace in top)
        {
            string margin = SizeFormatter.RelativeMargin(trace.SizeMargin, trace.Size);
            text.AppendLine()
                .Append(CultureInfo.InvariantCulture, $"  ~{SizeFormatter.Format((long)Math.Round((double)trace.Size / runs))} ({margin}, {trace.SampleCount} samples) {trace.TypeName}");
            foreach (string line in trace.Traceback.Format(limit: 3))
            {
                text.AppendLine().Append("  ").Append(line);
            }
        }

        return text.ToString();
    }
}
