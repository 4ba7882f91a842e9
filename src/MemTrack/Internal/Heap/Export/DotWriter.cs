using System.Globalization;
using System.Text;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Heap.Export;

/// <summary>
/// Writes the back-reference graph around some objects as Graphviz DOT (objgraph's <c>show_backrefs</c>): the
/// referrers of the targets, breadth-first, up to a depth and a number of objects. Edges point from referrer to
/// referenced object; GC roots appear as extra boxes pointing at the objects they hold, and the walk stops there.
/// </summary>
internal static class DotWriter
{
    private const int Unseen = -1;
    private const int Omitted = -2;

    /// <summary>Writes the DOT graph of the referrers of <paramref name="targets"/> (node indexes).</summary>
    /// <param name="writer">Receives the <c>digraph</c>.</param>
    /// <param name="graph">The heap graph.</param>
    /// <param name="targets">The objects whose referrers are shown; highlighted.</param>
    /// <param name="maxDepth">How many hops back from the targets the walk goes (0: the targets only).</param>
    /// <param name="maxNodes">At most this many object nodes, targets included; a note counts the rest.</param>
    public static void Write(TextWriter writer, HeapGraph graph, IReadOnlyCollection<int> targets, int maxDepth, int maxNodes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNodes);

        var walk = new BackrefWalk(graph, maxDepth, maxNodes);
        walk.Run(targets);
        Emit(writer, graph, walk);
    }

    private static void Emit(TextWriter writer, HeapGraph graph, BackrefWalk walk)
    {
        writer.WriteLine("digraph backrefs {");
        writer.WriteLine("  node [shape=box, style=filled, fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=10];");
        writer.WriteLine("  edge [color=\"#404040\"];");

        var label = new StringBuilder();
        for (int s = 0; s < walk.Included.Count; s++)
        {
            int node = walk.Included[s];
            label.Clear();
            AppendEscaped(label, graph.TypeName(node));
            label.Append("\\n")
                .Append(graph.Sizes[node].ToString(CultureInfo.InvariantCulture))
                .Append(" bytes\\n0x")
                .Append(graph.Addresses[node].ToString("x", CultureInfo.InvariantCulture));
            writer.Write("  ");
            writer.Write(NodeId(node));
            writer.Write(" [label=\"");
            writer.Write(label);
            writer.Write(walk.Depths[s] == 0 ? "\", fillcolor=\"#ff6060\", penwidth=2];" : "\", fillcolor=\"" + DepthColor(walk.Depths[s]) + "\"];");
            writer.WriteLine();
        }

        // Root boxes: one per root holding a shown object (the graph's roots are distinct).
        HeapRoot[] roots = graph.Roots;
        var rootEdges = new List<(int Root, int Node)>();
        for (int r = 0; r < roots.Length; r++)
        {
            HeapRoot root = roots[r];
            if (!walk.IsIncluded(root.Node))
            {
                continue;
            }

            label.Clear();
            label.Append(root.Kind.ToString()).Append("\\n");
            AppendEscaped(label, root.Name);
            writer.Write("  r");
            writer.Write(r.ToString(CultureInfo.InvariantCulture));
            writer.Write(" [label=\"");
            writer.Write(label);
            writer.WriteLine("\", shape=box, style=\"filled,rounded,bold\", fillcolor=\"#9fc5ff\"];");
            rootEdges.Add((r, root.Node));
        }

        if (walk.OmittedReferrers > 0 || walk.OmittedTargets > 0)
        {
            label.Clear();
            if (walk.OmittedReferrers > 0)
            {
                label.Append(walk.OmittedReferrers.ToString(CultureInfo.InvariantCulture)).Append(" more referrer(s) not shown\\n");
            }

            if (walk.OmittedTargets > 0)
            {
                label.Append(walk.OmittedTargets.ToString(CultureInfo.InvariantCulture)).Append(" more target(s) not shown\\n");
            }

            label.Append("(limit: ").Append(walk.MaxNodes.ToString(CultureInfo.InvariantCulture)).Append(" objects)");
            writer.Write("  more [label=\"");
            writer.Write(label);
            writer.WriteLine("\", shape=note, fillcolor=\"#ffffcc\"];");
        }

        foreach ((int root, int node) in rootEdges)
        {
            writer.Write("  r");
            writer.Write(root.ToString(CultureInfo.InvariantCulture));
            writer.Write(" -> ");
            writer.Write(NodeId(node));
            writer.WriteLine(" [color=\"#3060c0\", penwidth=2];");
        }

        foreach ((int from, int to) in walk.Edges)
        {
            writer.Write("  ");
            writer.Write(NodeId(from));
            writer.Write(" -> ");
            writer.Write(NodeId(to));
            writer.WriteLine(';');
        }

        foreach (int node in walk.LostReferrersOf)
        {
            writer.Write("  more -> ");
            writer.Write(NodeId(node));
            writer.WriteLine(" [style=dashed, arrowhead=none];");
        }

        writer.WriteLine('}');
    }

    private static string NodeId(int node) => "n" + node.ToString(CultureInfo.InvariantCulture);

    /// <summary>Light fill colours that fade with the distance from the targets.</summary>
    private static string DepthColor(int depth) => depth switch
    {
        1 => "#ffd0a0",
        2 => "#fff0b0",
        3 => "#e8f8c8",
        _ => "#f0f0f0",
    };

    /// <summary>Escapes text for a double-quoted DOT string: quotes, backslashes and line breaks.</summary>
    private static void AppendEscaped(StringBuilder builder, string text)
    {
        foreach (char c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    break;
                default:
                    builder.Append(char.IsControl(c) ? ' ' : c);
                    break;
            }
        }
    }

    /// <summary>
    /// The breadth-first walk over referrers. Referrers are found by one scan of the forward edges per level, so no
    /// reverse graph is built; the per-node state is one temporary int and one bool per node.
    /// </summary>
    private sealed class BackrefWalk
    {
        private readonly HeapGraph _graph;
        private readonly int _maxDepth;

        /// <summary>Per node: its index in <see cref="Included"/>, <see cref="Unseen"/> or <see cref="Omitted"/>.</summary>
        private readonly int[] _slot;

        /// <summary>Per node: in the level being expanded.</summary>
        private readonly bool[] _frontier;

        private readonly List<bool> _expanded = [];
        private readonly HashSet<long> _edgeSet = [];
        private readonly HashSet<int> _lostReferrersOf = [];

        public BackrefWalk(HeapGraph graph, int maxDepth, int maxNodes)
        {
            _graph = graph;
            _maxDepth = maxDepth;
            MaxNodes = maxNodes;
            _slot = new int[graph.NodeCount];
            Array.Fill(_slot, Unseen);
            _frontier = new bool[graph.NodeCount];
        }

        public int MaxNodes { get; }

        public List<int> Included { get; } = [];

        public List<int> Depths { get; } = [];

        public List<(int From, int To)> Edges { get; } = [];

        public int OmittedReferrers { get; private set; }

        public int OmittedTargets { get; private set; }

        /// <summary>Shown objects some of whose referrers were left out by the bound, in the order found.</summary>
        public List<int> LostReferrersOf { get; } = [];

        public bool IsIncluded(int node) => _slot[node] >= 0;

        public void Run(IReadOnlyCollection<int> targets)
        {
            var level = new List<int>();
            foreach (int target in targets)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(targets));
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(target, _graph.NodeCount, nameof(targets));
                if (_slot[target] != Unseen)
                {
                    continue;
                }

                if (Included.Count >= MaxNodes)
                {
                    _slot[target] = Omitted;
                    OmittedTargets++;
                    continue;
                }

                Include(target, 0, level);
            }

            var next = new List<int>();
            int[] edgeStart = _graph.EdgeStart;
            int[] edgeTargets = _graph.EdgeTargets;
            int nodeCount = _graph.NodeCount;
            for (int depth = 1; level.Count > 0; depth++)
            {
                foreach (int node in level)
                {
                    _frontier[node] = true;
                    _expanded[_slot[node]] = true;
                }

                for (int u = 0; u < nodeCount; u++)
                {
                    int end = edgeStart[u + 1];
                    for (int e = edgeStart[u]; e < end; e++)
                    {
                        int v = edgeTargets[e];
                        if (_frontier[v])
                        {
                            Referrer(u, v, depth, next);
                        }
                    }
                }

                foreach (int node in level)
                {
                    _frontier[node] = false;
                }

                (level, next) = (next, level);
                next.Clear();
            }

            // Edges from shown objects into shown objects that were not expanded (the last level, roots, cycles).
            for (int s = 0; s < Included.Count; s++)
            {
                int u = Included[s];
                foreach (int v in _graph.References(u))
                {
                    int slot = _slot[v];
                    if (slot >= 0 && !_expanded[slot])
                    {
                        AddEdge(u, v);
                    }
                }
            }
        }

        private void Referrer(int u, int v, int depth, List<int> next)
        {
            int slot = _slot[u];
            if (slot == Unseen)
            {
                if (Included.Count < MaxNodes)
                {
                    Include(u, depth, next);
                    slot = _slot[u];
                }
                else
                {
                    _slot[u] = Omitted;
                    OmittedReferrers++;
                    slot = Omitted;
                }
            }

            if (slot >= 0)
            {
                AddEdge(u, v);
            }
            else if (_lostReferrersOf.Add(v))
            {
                LostReferrersOf.Add(v);
            }
        }

        private void Include(int node, int depth, List<int> level)
        {
            _slot[node] = Included.Count;
            Included.Add(node);
            Depths.Add(depth);
            _expanded.Add(false);

            // The walk goes no further than the depth bound, and not past GC roots: the root explains the object.
            if (depth < _maxDepth && !_graph.IsRooted[node])
            {
                level.Add(node);
            }
        }

        private void AddEdge(int from, int to)
        {
            if (_edgeSet.Add(((long)from << 32) | (uint)to))
            {
                Edges.Add((from, to));
            }
        }
    }
}
