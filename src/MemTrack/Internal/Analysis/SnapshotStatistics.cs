using System.Runtime.InteropServices;
using MemTrack.Internal.Sampling;

namespace MemTrack.Internal.Analysis;

/// <summary>Groups a snapshot's traces into statistics and diffs, as tracemalloc's <c>Snapshot.statistics</c> and <c>compare_to</c>.</summary>
internal static class SnapshotStatistics
{
    public static IReadOnlyList<Statistic> Compute(Snapshot snapshot, KeyType keyType, bool cumulative, MemoryKind kind)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Validate(keyType, cumulative, kind);
        RequireLiveData(snapshot, kind, nameof(snapshot));
        Dictionary<StatisticKey, SampleStats> groups = Group(snapshot.Traces, keyType, cumulative, kind);
        var statistics = new Statistic[groups.Count];
        int i = 0;
        foreach ((StatisticKey key, SampleStats stats) in groups)
        {
            statistics[i++] = new Statistic(key.Traceback, key.TypeName, kind, stats);
        }

        // Biggest first, as tracemalloc sorts by (size, count, key) in reverse; ties by key, ascending, for stability.
        Array.Sort(statistics, static (x, y) =>
        {
            int order = y.Size.CompareTo(x.Size);
            order = order != 0 ? order : y.Count.CompareTo(x.Count);
            return order != 0 ? order : StatisticKey.Order(x.Traceback, x.TypeName, y.Traceback, y.TypeName);
        });
        return statistics;
    }

    /// <summary>The bytes of the statistics after the first <paramref name="top"/>: the "other" line under a top list.</summary>
    public static long SizeAfter(IReadOnlyList<Statistic> statistics, int top)
    {
        long rest = 0;
        for (int i = top; i < statistics.Count; i++)
        {
            rest += statistics[i].Size;
        }

        return rest;
    }

    public static IReadOnlyList<StatisticDiff> Compare(Snapshot current, Snapshot old, KeyType keyType, bool cumulative, MemoryKind kind)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(old);
        Validate(keyType, cumulative, kind);
        RequireLiveData(current, kind, "this");
        RequireLiveData(old, kind, nameof(old));
        Dictionary<StatisticKey, SampleStats> now = Group(current.Traces, keyType, cumulative, kind);
        Dictionary<StatisticKey, SampleStats> before = Group(old.Traces, keyType, cumulative, kind);

        // Within one tracing epoch the newer snapshot's allocation samples include the older one's, so the difference
        // is the sum over the samples taken in between and its variance is the difference of the variances. Live
        // samples are not nested (objects die), and snapshots of different epochs are independent: there the
        // variances add up, which for live memory is an upper bound.
        bool nested = kind == MemoryKind.Allocated && current.Info.TracingEpoch == old.Info.TracingEpoch && current.TakenAt >= old.TakenAt;
        var diffs = new List<StatisticDiff>(now.Count + before.Count);
        foreach ((StatisticKey key, SampleStats stats) in now)
        {
            before.Remove(key, out SampleStats previous);
            diffs.Add(Diff(key, kind, stats, previous, nested));
        }

        foreach ((StatisticKey key, SampleStats previous) in before)
        {
            diffs.Add(Diff(key, kind, default, previous, nested));
        }

        // tracemalloc's StatisticDiff._sort_key, biggest first: (|size_diff|, size, |count_diff|, count), then the key.
        diffs.Sort(static (x, y) =>
        {
            int order = Magnitude(y.SizeDiff).CompareTo(Magnitude(x.SizeDiff));
            order = order != 0 ? order : y.Size.CompareTo(x.Size);
            order = order != 0 ? order : Magnitude(y.CountDiff).CompareTo(Magnitude(x.CountDiff));
            order = order != 0 ? order : y.Count.CompareTo(x.Count);
            return order != 0 ? order : StatisticKey.Order(x.Traceback, x.TypeName, y.Traceback, y.TypeName);
        });
        return [.. diffs];
    }

    private static void Validate(KeyType keyType, bool cumulative, MemoryKind kind)
    {
        if (!Enum.IsDefined(keyType))
        {
            throw new ArgumentOutOfRangeException(nameof(keyType), keyType, "Unknown key type.");
        }

        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown memory kind.");
        }

        if (cumulative && keyType is KeyType.Traceback or KeyType.Type)
        {
            throw new ArgumentException(
                $"Cumulative statistics group by each frame; they are available for KeyType.LineNo, FileName and Method, not KeyType.{keyType}.",
                nameof(cumulative));
        }
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> when <paramref name="kind"/> is Live and <paramref name="snapshot"/> has no live data.</summary>
    public static void RequireLiveData(Snapshot snapshot, MemoryKind kind, string parameterName)
    {
        if (kind == MemoryKind.Live && !snapshot.HasLiveData)
        {
            throw new InvalidOperationException(
                $"The snapshot ({parameterName}) has no live data: it was taken with MemTrackerOptions.TrackLiveObjects = false "
                + "(or loaded from a file of a version without live data). Start the tracer with TrackLiveObjects = true "
                + "(the default) for live statistics, or pass kind: MemoryKind.Allocated.");
        }
    }

    private static Dictionary<StatisticKey, SampleStats> Group(IReadOnlyList<Trace> traces, KeyType keyType, bool cumulative, MemoryKind kind)
    {
        var groups = new Dictionary<StatisticKey, SampleStats>();
        var frameKeys = new Dictionary<Frame, Traceback>();
        var seen = new HashSet<Traceback>();
        foreach (Trace trace in traces)
        {
            SampleStats stats = trace.Of(kind);
            if (stats.Samples == 0)
            {
                continue;
            }

            Traceback traceback = trace.Traceback;
            if (keyType == KeyType.Traceback)
            {
                Accumulate(groups, new StatisticKey(traceback, null), stats);
            }
            else if (keyType == KeyType.Type)
            {
                Accumulate(groups, new StatisticKey(Traceback.Empty, trace.TypeName), stats);
            }
            else if (traceback.Count == 0)
            {
                Accumulate(groups, new StatisticKey(Traceback.Empty, null), stats);
            }
            else if (!cumulative)
            {
                Accumulate(groups, new StatisticKey(FrameKey(traceback[0], keyType, frameKeys), null), stats);
            }
            else
            {
                // Each trace counts once under every distinct key of its frames (recursion does not count twice).
                seen.Clear();
                foreach (Frame frame in traceback)
                {
                    Traceback key = FrameKey(frame, keyType, frameKeys);
                    if (seen.Add(key))
                    {
                        Accumulate(groups, new StatisticKey(key, null), stats);
                    }
                }
            }
        }

        return groups;
    }

    private static Traceback FrameKey(Frame frame, KeyType keyType, Dictionary<Frame, Traceback> cache)
    {
        ref Traceback? key = ref CollectionsMarshal.GetValueRefOrAddDefault(cache, frame, out _);
        key ??= new Traceback([keyType switch
        {
            // A line is one key whether the JIT inlined its method there or not (tier-0 code before tier 1, say).
            KeyType.LineNo => frame.IsInlined ? frame with { IsInlined = false } : frame,

            // By file; frames without a source file group by module.
            KeyType.FileName => new Frame(string.Empty, frame.FileName, 0, frame.FileName is null ? frame.Module : string.Empty),
            _ => frame with { LineNumber = 0, IsInlined = false },
        }]);
        return key;
    }

    private static void Accumulate(Dictionary<StatisticKey, SampleStats> groups, StatisticKey key, in SampleStats stats) =>
        CollectionsMarshal.GetValueRefOrAddDefault(groups, key, out _).Add(stats);

    private static StatisticDiff Diff(StatisticKey key, MemoryKind kind, in SampleStats current, in SampleStats old, bool nested)
    {
        double variance = nested
            ? Math.Max(current.SizeVariance - old.SizeVariance, 0)
            : current.SizeVariance + old.SizeVariance;
        return new StatisticDiff(key.Traceback, key.TypeName, kind, current, old, variance);
    }

    // |value| without overflow for long.MinValue.
    private static ulong Magnitude(long value) => value < 0 ? 0UL - (ulong)value : (ulong)value;
}
