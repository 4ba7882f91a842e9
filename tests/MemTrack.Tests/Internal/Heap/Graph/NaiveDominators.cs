using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Tests.Internal.Heap.Graph;

/// <summary>
/// Dominators by their definition, for checking <see cref="DominatorTree"/> on small graphs: a virtual root
/// (= NodeCount) references every root object, then, in index order, every object not reached so far (and everything
/// reachable from it counts as reached); d dominates v iff v cannot be reached from the virtual root without d.
/// </summary>
internal sealed class NaiveDominators
{
    private readonly bool[][] _dominates;

    public NaiveDominators(HeapGraph graph)
    {
        int n = graph.NodeCount;
        VirtualRoot = n;
        var successors = new List<int>[n + 1];
        for (int v = 0; v < n; v++)
        {
            successors[v] = [.. graph.References(v).ToArray()];
        }

        successors[n] = [];
        var reached = new bool[n + 1];
        foreach (HeapRoot root in graph.Roots)
        {
            successors[n].Add(root.Node);
            Mark(successors, root.Node, avoid: -1, reached);
        }

        for (int v = 0; v < n; v++)
        {
            if (!reached[v])
            {
                successors[n].Add(v);
                Mark(successors, v, avoid: -1, reached);
            }
        }

        _dominates = new bool[n + 1][];
        for (int d = 0; d <= n; d++)
        {
            _dominates[d] = new bool[n + 1];
            if (d == n)
            {
                Array.Fill(_dominates[d], true);
                continue;
            }

            var reachable = new bool[n + 1];
            Mark(successors, n, avoid: d, reachable);
            for (int v = 0; v <= n; v++)
            {
                _dominates[d][v] = v == d || !reachable[v];
            }
        }

        Idom = new int[n];
        Retained = new long[n + 1];
        for (int v = 0; v < n; v++)
        {
            int[] strict = [.. Enumerable.Range(0, n + 1).Where(d => d != v && _dominates[d][v])];
            int[] immediate = [.. strict.Where(d => strict.All(other => other == d || _dominates[other][d]))];
            Idom[v] = immediate.Length == 1 ? immediate[0] : throw new InvalidOperationException("No unique immediate dominator: the reference is wrong.");
        }

        for (int v = 0; v <= n; v++)
        {
            for (int w = 0; w < n; w++)
            {
                if (_dominates[v][w])
                {
                    Retained[v] += graph.Sizes[w];
                }
            }
        }

        ByType = new long[graph.TypeNames.Length];
        for (int v = 0; v < n; v++)
        {
            int type = graph.Types[v];
            bool nested = Enumerable.Range(0, n).Any(d => d != v && _dominates[d][v] && graph.Types[d] == type);
            if (!nested)
            {
                ByType[type] += Retained[v];
            }
        }
    }

    public int VirtualRoot { get; }

    public int[] Idom { get; }

    /// <summary>Per node, and for the virtual root at index NodeCount.</summary>
    public long[] Retained { get; }

    public long[] ByType { get; }

    public bool Dominates(int d, int v) => _dominates[d][v];

    private static void Mark(List<int>[] successors, int start, int avoid, bool[] seen)
    {
        if (start == avoid || seen[start])
        {
            return;
        }

        var stack = new Stack<int>();
        seen[start] = true;
        stack.Push(start);
        while (stack.TryPop(out int node))
        {
            foreach (int next in successors[node])
            {
                if (next != avoid && !seen[next])
                {
                    seen[next] = true;
                    stack.Push(next);
                }
            }
        }
    }
}
