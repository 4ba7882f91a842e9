namespace MemTrack.Internal.Heap.Graph;

/// <summary>
/// The dominator tree of a heap graph and the retained size of every object (heapy's <c>domisize</c>): an object's
/// retained size is its own size plus the sizes of all objects reachable only through it. Computed with the
/// Lengauer-Tarjan algorithm (iterative depth-first search, path compression: O(E log N)) from a virtual root that
/// references every GC root. Objects the dump reached from no reported root hang off the virtual root too.
/// </summary>
internal sealed class DominatorTree
{
    private const int None = -1;

    private readonly HeapGraph _graph;

    /// <summary>Immediate dominator of each node; <see cref="VirtualRoot"/> (= NodeCount) for roots.</summary>
    private readonly int[] _idom;

    private readonly long[] _retained;
    private long[]? _retainedByType;

    public DominatorTree(HeapGraph graph)
    {
        _graph = graph;
        int n = graph.NodeCount;
        VirtualRoot = n;
        var search = new Search(graph);
        _idom = search.Run();
        _retained = new long[n + 1];
        Array.Copy(graph.Sizes, _retained, n);
        ReadOnlySpan<int> preorder = search.Preorder;
        for (int k = preorder.Length - 1; k >= 1; k--)
        {
            int w = preorder[k];
            _retained[_idom[w]] += _retained[w];
        }
    }

    public int VirtualRoot { get; }

    public int ImmediateDominator(int node) => _idom[node];

    public long RetainedSize(int node) => _retained[node];

    /// <summary>
    /// Retained size per type: the sum over the objects of the type that no other object of the same type dominates,
    /// so nested objects of one type (a linked list's nodes) are not counted twice. MemTrack's own objects are left
    /// out, as from the type statistics (<see cref="HeapGraph.IsOwn"/>).
    /// </summary>
    public long[] RetainedSizeByType() => _retainedByType ??= ComputeRetainedSizeByType();

    private long[] ComputeRetainedSizeByType()
    {
        int n = _graph.NodeCount;
        int[] types = _graph.Types;
        bool[] own = _graph.IsOwn;

        // Children lists of the dominator tree (compressed rows), then one depth-first walk that keeps, per type,
        // how many objects of that type are on the current path.
        var childStart = new int[n + 2];
        for (int v = 0; v < n; v++)
        {
            childStart[_idom[v] + 1]++;
        }

        for (int v = 1; v <= n + 1; v++)
        {
            childStart[v] += childStart[v - 1];
        }

        var children = new int[n];
        var fill = (int[])childStart.Clone();
        for (int v = 0; v < n; v++)
        {
            children[fill[_idom[v]]++] = v;
        }

        var result = new long[_graph.TypeNames.Length];
        var onPath = new int[_graph.TypeNames.Length];
        var stack = new Stack<(int Node, bool Exit)>();
        stack.Push((VirtualRoot, false));
        while (stack.Count > 0)
        {
            (int node, bool exit) = stack.Pop();
            bool real = node != VirtualRoot;
            if (exit)
            {
                onPath[types[node]]--;
                continue;
            }

            if (real)
            {
                int type = types[node];

                // An own object dominates only own objects, so skipping it hides no user object below it.
                if (onPath[type] == 0 && !own[node])
                {
                    result[type] += _retained[node];
                }

                onPath[type]++;
                stack.Push((node, true));
            }

            for (int c = childStart[node]; c < childStart[node + 1]; c++)
            {
                stack.Push((children[c], false));
            }
        }

        return result;
    }

    /// <summary>The Lengauer-Tarjan computation; its scratch arrays are dropped when it returns.</summary>
    private sealed class Search
    {
        private readonly HeapGraph _graph;
        private readonly int _root;
        private readonly int[] _dfnum;
        private readonly int[] _vertex;
        private readonly int[] _parent;
        private readonly int[] _semi;
        private readonly int[] _label;
        private readonly int[] _ancestor;
        private readonly Stack<int> _path = new();
        private int _count;

        public Search(HeapGraph graph)
        {
            _graph = graph;
            int size = graph.NodeCount + 1;
            _root = graph.NodeCount;
            _dfnum = new int[size];
            Array.Fill(_dfnum, None);
            _vertex = new int[size];
            _parent = new int[size];
            _semi = new int[size];
            _label = new int[size];
            _ancestor = new int[size];
        }

        /// <summary>Nodes in depth-first preorder, the virtual root first.</summary>
        public ReadOnlySpan<int> Preorder => _vertex.AsSpan(0, _count);

        public int[] Run()
        {
            Number();
            (int[] predStart, int[] preds) = Predecessors();
            int size = _graph.NodeCount + 1;
            var idom = new int[size];
            var bucketHead = new int[size];
            var bucketNext = new int[size];
            Array.Fill(bucketHead, None);
            bool[] rooted = _graph.IsRooted;

            for (int v = 0; v < size; v++)
            {
                _semi[v] = _dfnum[v];
                _label[v] = v;
                _ancestor[v] = None;
            }

            for (int k = _count - 1; k >= 1; k--)
            {
                int w = _vertex[k];
                int p = _parent[w];

                // The tree parent is always a predecessor. The virtual root is a predecessor of every root object, also
                // of one the search first reached from another root, and of each unreached object it started from.
                _semi[w] = rooted[w] ? 0 : Math.Min(_semi[w], _semi[Eval(p)]);
                for (int e = predStart[w]; e < predStart[w + 1]; e++)
                {
                    int v = preds[e];
                    if (_dfnum[v] != None)
                    {
                        _semi[w] = Math.Min(_semi[w], _semi[Eval(v)]);
                    }
                }

                int s = _vertex[_semi[w]];
                bucketNext[w] = bucketHead[s];
                bucketHead[s] = w;
                _ancestor[w] = p;
                for (int v = bucketHead[p]; v != None; v = bucketNext[v])
                {
                    int u = Eval(v);
                    idom[v] = _semi[u] < _semi[v] ? u : p;
                }

                bucketHead[p] = None;
            }

            for (int k = 1; k < _count; k++)
            {
                int w = _vertex[k];
                if (idom[w] != _vertex[_semi[w]])
                {
                    idom[w] = idom[idom[w]];
                }
            }

            idom[_root] = _root;
            return idom;
        }

        /// <summary>Iterative depth-first numbering from the roots, then from every object not reached yet.</summary>
        private void Number()
        {
            _dfnum[_root] = 0;
            _vertex[0] = _root;
            _count = 1;
            var stack = new Stack<(int Node, int NextEdge)>();
            foreach (HeapRoot root in _graph.Roots)
            {
                Visit(root.Node, stack);
            }

            for (int v = 0; v < _graph.NodeCount; v++)
            {
                Visit(v, stack);
            }
        }

        private void Visit(int start, Stack<(int Node, int NextEdge)> stack)
        {
            if (_dfnum[start] != None)
            {
                return;
            }

            Enter(start, _root);
            stack.Push((start, _graph.EdgeStart[start]));
            int[] edgeStart = _graph.EdgeStart;
            int[] targets = _graph.EdgeTargets;
            while (stack.Count > 0)
            {
                (int node, int next) = stack.Pop();
                int end = edgeStart[node + 1];
                while (next < end && _dfnum[targets[next]] != None)
                {
                    next++;
                }

                if (next == end)
                {
                    continue;
                }

                int child = targets[next];
                stack.Push((node, next + 1));
                Enter(child, node);
                stack.Push((child, edgeStart[child]));
            }
        }

        private void Enter(int node, int parent)
        {
            _dfnum[node] = _count;
            _vertex[_count++] = node;
            _parent[node] = parent;
        }

        private (int[] Start, int[] Preds) Predecessors()
        {
            int n = _graph.NodeCount;
            int[] edgeStart = _graph.EdgeStart;
            int[] targets = _graph.EdgeTargets;
            var start = new int[n + 2];
            foreach (int target in targets)
            {
                start[target + 1]++;
            }

            for (int v = 1; v <= n + 1; v++)
            {
                start[v] += start[v - 1];
            }

            var preds = new int[targets.Length];
            var fill = (int[])start.Clone();
            for (int v = 0; v < n; v++)
            {
                for (int e = edgeStart[v]; e < edgeStart[v + 1]; e++)
                {
                    preds[fill[targets[e]]++] = v;
                }
            }

            return (start, preds);
        }

        /// <summary>The ancestor of <paramref name="v"/> (in the linked forest) with the smallest semidominator.</summary>
        private int Eval(int v)
        {
            if (_ancestor[v] == None)
            {
                return v;
            }

            // Path compression without recursion: collect the path, then fold it from the top down.
            int x = v;
            while (_ancestor[_ancestor[x]] != None)
            {
                _path.Push(x);
                x = _ancestor[x];
            }

            while (_path.Count > 0)
            {
                int y = _path.Pop();
                int a = _ancestor[y];
                if (_semi[_label[a]] < _semi[_label[y]])
                {
                    _label[y] = _label[a];
                }

                _ancestor[y] = _ancestor[a];
            }

            return _label[v];
        }
    }
}
