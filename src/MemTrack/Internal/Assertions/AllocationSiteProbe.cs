using System.Diagnostics;
using System.Globalization;
using System.Text;
using MemTrack.Internal.Formatting;

namespace MemTrack.Internal.Assertions;

/// <summary>
/// Finds where a failing action's bytes go: runs it again under the tracer (started for the probe when it is not
/// running, stopped after) until sampling has seen enough of its allocations, and lists the top sites. Sampling
/// sees about one allocation per 100 KiB, so the probe repeats the action up to <see cref="TargetBytes"/> or
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
        TracedRegion region;
        try
        {
            // Starts the tracer when it is off, and stops it again at the end; a running tracer is used as it is.
            region = MemTracker.Trace(ProbeOptions);
        }
        catch (Exception ex) when (ex is MemTrackException or InvalidOperationException)
        {
            return "Allocation sites: unavailable, the tracer could not start (" + ex.Message + ")";
        }

        using (region)
        {
            long runs = 0;
            var clock = Stopwatch.StartNew();
            var scope = AllocationScope.Begin(kind);
            using (scope)
            {
                while (runs < minRuns || (scope.AllocatedBytes < TargetBytes && clock.Elapsed < TimeLimit))
                {
                    await action().ConfigureAwait(true);
                    runs++;
                }
            }

            return Format(scope, runs);
        }
    }

    public static string Describe(Action action, int minRuns) =>
        AllocationMeasurement.Complete(DescribeAsync(AllocationMeasurement.Wrap(action), minRuns, AllocationScopeKind.CurrentThread));

    private static string Format(AllocationScope scope, long runs)
    {
        var text = new StringBuilder();
        string probe = string.Create(CultureInfo.InvariantCulture, $"the action ran {runs} more times under the tracer, allocating {SizeFormatter.Format(scope.AllocatedBytes)}");
        if (scope.Snapshot is not Snapshot snapshot)
        {
            return "Allocation sites: unavailable (" + probe + ", but the tracer stopped meanwhile).";
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
