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

    /// <summary>The sites of the sampled objects of the wanted types (<see cref="HeapGraph.TypeMask"/>), largest size first.</summary>
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

        var sites = groups
            .Select(g => new HeapAllocationSite(graph.TypeNames[g.Key.Type], g.Key.Traceback, g.Key.Holder, g.Value.Kind, g.Value.Stats))
            .ToList();
        sites.Sort((a, b) => b.Size.CompareTo(a.Size));
        return sites;
    }
}
