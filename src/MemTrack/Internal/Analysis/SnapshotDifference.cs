using MemTrack.Internal.Sampling;

namespace MemTrack.Internal.Analysis;

/// <summary>
/// The allocations sampled between two snapshots of one tracing epoch, as a snapshot of their own: each trace holds
/// what was allocated at its site in between. Live memory is not a difference of two moments' samples (objects of
/// the earlier one die), so the result has allocation statistics only.
/// </summary>
internal static class SnapshotDifference
{
    /// <summary>The allocations between <paramref name="start"/> and <paramref name="end"/>, or null when they belong to different tracing epochs (a Stop, Start or ClearTraces in between).</summary>
    public static Snapshot? AllocatedBetween(Snapshot start, Snapshot end)
    {
        if (start.Info.TracingEpoch != end.Info.TracingEpoch)
        {
            return null;
        }

        var before = new Dictionary<(Traceback, string), SampleStats>(start.Traces.Count);
        foreach (Trace trace in start.Traces)
        {
            before[(trace.Traceback, trace.TypeName)] = trace.Allocated;
        }

        var traces = new List<Trace>();
        foreach (Trace trace in end.Traces)
        {
            SampleStats earlier = before.GetValueOrDefault((trace.Traceback, trace.TypeName));
            SampleStats between = SampleStats.Since(trace.Allocated, earlier);
            if (between.Samples > 0)
            {
                traces.Add(new Trace(trace.Traceback, trace.TypeName, between, default));
            }
        }

        SnapshotInfo info = end.Info with
        {
            ExactAllocatedBytes = end.ExactAllocatedBytes - start.ExactAllocatedBytes,
            LostEvents = end.LostEvents - start.LostEvents,
            HasLiveData = false,

            // A difference is not cumulative with anything: comparing two of them must add their variances.
            TracingEpoch = Guid.NewGuid(),
        };
        return new Snapshot(info, traces);
    }
}
