using MemTrack.Internal.Heap.Graph;
using MemTrack.Internal.Sampling;

namespace MemTrack.Internal.Heap.Sampling;

/// <summary>
/// Joins a heap capture to the tracer's live sampled objects by address: each sampled object found in the graph at
/// its address with its size gets the graph's type and the root that holds it, and the samples of one type are
/// grouped by (allocation traceback, holding root) into estimates, as the live statistics of a snapshot are.
/// </summary>
internal static class AllocationSiteJoin
{
    /// <summary>Name of the holder of objects no reported root reaches.</summary>
    public const string Unreached = "<no reported root>";

    /// <summary>Sampled objects found in the graph, as node indices parallel to <paramref name="sampled"/>; -1 when not found.</summary>
    public static int[] Locate(HeapGraph graph, IReadOnlyList<SampledObject> sampled)
    {
        var nodes = new int[sampled.Count];
        for (int i = 0; i < nodes.Length; i++)
        {
            int node = graph.IndexOf(sampled[i].Address);
            nodes[i] = node >= 0 && graph.Sizes[node] == sampled[i].Size ? node : -1;
        }

        return nodes;
    }

    /// <summary>
    /// The sites of the sampled objects of the wanted types (<see cref="HeapGraph.TypeMask"/>), largest size first. The
    /// capture knows every object, so the exact count and size of each (type, holder) group are apportioned among the
    /// group's sites by their share of its sampled estimate (a ratio estimator): a group with one site is exact, and the
    /// sites of a type add up to its objects that a sampled site explains. The margins are those of the share.
    /// </summary>
    public static List<HeapAllocationSite> SitesOfTypes(HeapGraph graph, IReadOnlyList<SampledObject> sampled, int[] nodes, bool[] wantedTypes)
    {
        var groups = new Dictionary<(int Type, Traceback Traceback, string Holder), (RootKind? Kind, SampleStats Stats)>();
        for (int i = 0; i < nodes.Length; i++)
        {
            int node = nodes[i];
            if (node < 0 || !wantedTypes[graph.Types[node]])
            {
                continue;
            }

            HeapRoot? root = graph.RootPaths.RootOf(node);
            var key = (graph.Types[node], sampled[i].Traceback, root?.Name ?? Unreached);
            (RootKind? kind, SampleStats stats) = groups.GetValueOrDefault(key);
            stats.Add(sampled[i].Size);
            groups[key] = (root?.Kind, stats);
        }

        Dictionary<(int Type, string Holder), (long Count, long Size)> exact = ExactTotals(graph, wantedTypes, groups.Keys);
        var estimated = new Dictionary<(int Type, string Holder), SampleStats>();
        foreach (var (key, value) in groups)
        {
            AddTo(estimated, (key.Type, key.Holder), value.Stats);
        }

        var sites = groups
            .Select(g =>
            {
                var group = (g.Key.Type, g.Key.Holder);
                SampleStats stats = Apportion(g.Value.Stats, estimated[group], exact[group]);
                return new HeapAllocationSite(graph.TypeNames[g.Key.Type], g.Key.Traceback, g.Key.Holder, g.Value.Kind, stats);
            })
            .ToList();
        sites.Sort((a, b) => b.Size.CompareTo(a.Size));
        return sites;
    }

    /// <summary>
    /// A site's share of its group's exact totals: count × (site's estimated count / group's), the same for size; the
    /// variance of a share p = X/(X+Y) of two independent estimates is about ((1-p)²Var X + p²Var Y) / (X+Y)².
    /// </summary>
    internal static SampleStats Apportion(in SampleStats site, in SampleStats group, (long Count, long Size) exact)
    {
        (double countShare, double countShareVariance) = Share(site.Count, site.CountVariance, group.Count, group.CountVariance);
        (double sizeShare, double sizeShareVariance) = Share(site.Size, site.SizeVariance, group.Size, group.SizeVariance);
        return new SampleStats
        {
            Samples = site.Samples,
            Count = exact.Count * countShare,
            CountVariance = (double)exact.Count * exact.Count * countShareVariance,
            Size = exact.Size * sizeShare,
            SizeVariance = (double)exact.Size * exact.Size * sizeShareVariance,
        };
    }

    private static (double Share, double Variance) Share(double site, double siteVariance, double group, double groupVariance)
    {
        if (group <= 0)
        {
            return (0, 0);
        }

        double share = site / group;
        double rest = Math.Max(groupVariance - siteVariance, 0);
        double variance = (((1 - share) * (1 - share) * siteVariance) + (share * share * rest)) / (group * group);
        return (share, variance);
    }

    /// <summary>Exact object counts and sizes of the (type, holder) groups that have sampled sites.</summary>
    private static Dictionary<(int Type, string Holder), (long Count, long Size)> ExactTotals(
        HeapGraph graph, bool[] wantedTypes, IEnumerable<(int Type, Traceback Traceback, string Holder)> sampledGroups)
    {
        var totals = new Dictionary<(int Type, string Holder), (long Count, long Size)>();
        foreach (var key in sampledGroups)
        {
            totals[(key.Type, key.Holder)] = (0, 0);
        }

        for (int node = 0; node < graph.NodeCount; node++)
        {
            if (!wantedTypes[graph.Types[node]])
            {
                continue;
            }

            var group = (graph.Types[node], graph.RootPaths.RootOf(node)?.Name ?? Unreached);
            if (totals.TryGetValue(group, out var total))
            {
                totals[group] = (total.Count + 1, total.Size + graph.Sizes[node]);
            }
        }

        return totals;
    }

    private static void AddTo(Dictionary<(int Type, string Holder), SampleStats> sums, (int Type, string Holder) key, in SampleStats stats)
    {
        sums.TryGetValue(key, out SampleStats sum);
        sum.Add(stats);
        sums[key] = sum;
    }
}
