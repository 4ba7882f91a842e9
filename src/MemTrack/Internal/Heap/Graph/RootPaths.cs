namespace MemTrack.Internal.Heap.Graph;

/// <summary>
/// Shortest reference chains from the GC roots (objgraph's <c>find_backref_chain</c>): one breadth-first search
/// from all roots at once, most precisely named root kinds first, that remembers for every object the object it was
/// first reached from. Each query then walks that tree back, in the length of the path.
/// </summary>
internal sealed class RootPaths
{
    private const int Unreached = -1;

    private readonly HeapGraph _graph;

    /// <summary>The predecessor on a shortest path; for a root object <c>-(root index + 2)</c>; <see cref="Unreached"/> otherwise.</summary>
    private readonly int[] _previous;

    public RootPaths(HeapGraph graph)
    {
        _graph = graph;
        _previous = new int[graph.NodeCount];
        Array.Fill(_previous, Unreached);
        var queue = new Queue<int>();
        HeapRoot[] roots = graph.Roots;
        for (int r = 0; r < roots.Length; r++)
        {
            int node = roots[r].Node;
            if (_previous[node] == Unreached)
            {
                _previous[node] = -(r + 2);
                queue.Enqueue(node);
            }
        }

        while (queue.TryDequeue(out int node))
        {
            foreach (int child in graph.References(node))
            {
                if (_previous[child] == Unreached)
                {
                    _previous[child] = node;
                    queue.Enqueue(child);
                }
            }
        }
    }

    /// <summary>The root that holds <paramref name="node"/> on its shortest path, or null when no reported root reaches it.</summary>
    public HeapRoot? RootOf(int node) => WalkBack(node, collect: null);

    /// <summary>The nodes from the root object down to <paramref name="node"/>, or null when no reported root reaches it.</summary>
    public (HeapRoot Root, int[] Nodes)? PathTo(int node)
    {
        var path = new List<int>();
        if (WalkBack(node, path) is not HeapRoot root)
        {
            return null;
        }

        path.Reverse();
        return (root, path.ToArray());
    }

    /// <summary>Walks back from <paramref name="node"/> to its root object, adding each node to <paramref name="collect"/> when given.</summary>
    private HeapRoot? WalkBack(int node, List<int>? collect)
    {
        if (_previous[node] == Unreached)
        {
            return null;
        }

        collect?.Add(node);
        while (_previous[node] >= 0)
        {
            node = _previous[node];
            collect?.Add(node);
        }

        return _graph.Roots[-_previous[node] - 2];
    }
}
