using System.Text;
using System.Text.Json;
using MemTrack.Internal.Heap.Export;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Tests.Internal.Heap.Export;

public sealed class ChromeHeapSnapshotWriterTests
{
    private static readonly string[] s_nodeFields = ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"];

    [Fact]
    public void Sample_snapshot_is_well_formed_and_keeps_every_object()
    {
        TestGraph.Sample s = TestGraph.CreateSample();
        (Snapshot snap, string text) = Write(s.Graph);

        // DevTools' loader reads the object right after "snapshot": and the sections in V8's order.
        Assert.StartsWith("{\"snapshot\":{\"meta\":{\"node_fields\":", text, StringComparison.Ordinal);
        Assert.Equal(["snapshot", "nodes", "edges", "trace_function_infos", "trace_tree", "samples", "locations", "strings"], snap.Sections);

        // Node 0 is the synthetic root; the objects come last, in graph order, with their type names and sizes.
        Assert.Equal("synthetic", snap.NodeType(0));
        Assert.Equal("", snap.NodeName(0));
        int objectBase = snap.NodeCount - s.Graph.NodeCount;
        long sizeSum = 0;
        for (int n = 0; n < snap.NodeCount; n++)
        {
            sizeSum += snap.Node(n, 3);
            if (n < objectBase)
            {
                Assert.Equal("synthetic", snap.NodeType(n));
                Assert.Equal(0, snap.Node(n, 3));
                continue;
            }

            int i = n - objectBase;
            Assert.Equal("object", snap.NodeType(n));
            Assert.Equal(s.Graph.TypeName(i), snap.NodeName(n));
            Assert.Equal(s.Graph.Sizes[i], snap.Node(n, 3));
            Assert.Equal(s.Graph.References(i).Length, snap.Node(n, 4));
        }

        Assert.Equal(s.Graph.TotalSize, sizeSum);
        Assert.Contains("MyApp.Weird\"Name\\Back", snap.Strings);
        Assert.Contains("System.Collections.Generic.List`1[MyApp.Order]", snap.Strings);

        // The array's references are element edges [0], [1], [2] to the orders.
        Assert.Equal(
            [("element", "0", objectBase + s.Order1), ("element", "1", objectBase + s.Order2), ("element", "2", objectBase + s.Order3)],
            snap.EdgesOf(objectBase + s.Array));
    }

    [Fact]
    public void Roots_hang_off_the_root_through_gc_roots_with_their_names()
    {
        TestGraph.Sample s = TestGraph.CreateSample();
        (Snapshot snap, _) = Write(s.Graph);
        int objectBase = snap.NodeCount - s.Graph.NodeCount;

        Assert.Contains(("element", "1", 1), snap.EdgesOf(0));
        Assert.Equal("(GC roots)", snap.NodeName(1));
        Assert.Single(snap.Strings, x => x == "MyApp.Cache.s_items");

        // The static field is a named retainer of the list, from the "(Static fields)" node under "(GC roots)".
        (int staticFields, string edgeType, _) = Assert.Single(snap.RetainersOf(objectBase + s.List), r => r.Type != "shortcut");
        Assert.Equal("property", edgeType);
        Assert.Contains((staticFields, "property", "MyApp.Cache.s_items"), snap.RetainersOf(objectBase + s.List));
        Assert.Equal("(Static fields)", snap.NodeName(staticFields));
        Assert.Contains(("element", "1", staticFields), snap.EdgesOf(1));

        // The handle is held by a strong handle and by the stack; the two identical stack roots give one edge.
        var handleRetainers = snap.RetainersOf(objectBase + s.Handle).Where(x => x.Type == "property").Select(x => (snap.NodeName(x.From), x.Name)).Order().ToList();
        Assert.Equal([("(Stack roots)", "thread stack"), ("(Strong handles)", "strong handle")], handleRetainers);

        // As V8 does for globals, the root has a shortcut to each rooted object, named after its first root.
        Assert.Equal(
            new[] { ("shortcut", "MyApp.Cache.s_items", objectBase + s.List), ("shortcut", "strong handle", objectBase + s.Handle) },
            snap.EdgesOf(0).Where(e => e.Type == "shortcut"));

        // Without the shortcuts, a path from the root through (GC roots) still reaches every rooted object and
        // everything they reference; the unreachable object is written but not reached.
        HashSet<int> reached = snap.ReachableFromRoot(skipShortcuts: true);
        foreach (int node in new[] { s.List, s.Array, s.Order1, s.Order2, s.Order3, s.Customer, s.Line, s.Handle })
        {
            Assert.Contains(objectBase + node, reached);
        }

        Assert.DoesNotContain(objectBase + s.Garbage, reached);
        Assert.Equal(s.Graph.TypeName(s.Garbage), snap.NodeName(objectBase + s.Garbage));
    }

    [Fact]
    public void An_empty_graph_gives_a_root_and_gc_roots()
    {
        var graph = new HeapGraph([], [], [], [], [0], [], []);
        (Snapshot snap, _) = Write(graph);
        Assert.Equal(2, snap.NodeCount);
        Assert.Equal(1, snap.EdgeCount);
        Assert.Equal("<dummy>", snap.Strings[0]);
    }

    [Fact]
    public void A_random_graph_of_200k_objects_is_well_formed()
    {
        const int n = 200_000;
        var random = new Random(12345);
        var addresses = new ulong[n];
        var sizes = new long[n];
        var types = new int[n];
        var edgeStart = new int[n + 1];
        var edgeTargets = new List<int>(n * 3);
        string[] typeNames = [.. Enumerable.Range(0, 500).Select(t => $"Ns{t % 7}.Type{t}`1[System.Int32]")];
        ulong address = 0x7f00_0000_0000;
        for (int i = 0; i < n; i++)
        {
            addresses[i] = address;
            sizes[i] = random.Next(24, 2_000);
            address += (ulong)sizes[i] + 8;
            types[i] = random.Next(typeNames.Length);
            edgeStart[i] = edgeTargets.Count;
            int degree = random.Next(6);
            for (int e = 0; e < degree; e++)
            {
                edgeTargets.Add(random.Next(n));
            }
        }

        edgeStart[n] = edgeTargets.Count;
        HeapRoot[] roots = [.. Enumerable.Range(0, 2_000)
            .Select(r => new HeapRoot(random.Next(n), (RootKind)random.Next(8), "Root.s_" + random.Next(300)))
            .OrderBy(r => r.Kind)];
        var graph = new HeapGraph(addresses, sizes, types, typeNames, edgeStart, [.. edgeTargets], roots);

        (Snapshot snap, _) = Write(graph);

        Assert.Equal(graph.NodeCount + 2 + 8, snap.NodeCount);
        Assert.True(snap.EdgeCount > graph.EdgeCount + roots.Length / 2);
        long sizeSum = 0;
        for (int i = 0; i < snap.NodeCount; i++)
        {
            sizeSum += snap.Node(i, 3);
        }

        Assert.Equal(graph.TotalSize, sizeSum);

        var dot = new StringWriter();
        DotWriter.Write(dot, graph, [0, 1, 2], maxDepth: 4, maxNodes: 200);
        Assert.True(DotWriterTests.Dot.Parse(dot.ToString()).ObjectIds.Count <= 200);
    }

    private static (Snapshot Snapshot, string Text) Write(HeapGraph graph)
    {
        using var stream = new MemoryStream();
        ChromeHeapSnapshotWriter.Write(stream, graph);
        string text = Encoding.UTF8.GetString(stream.ToArray());
        var snapshot = Snapshot.Parse(text);
        snapshot.AssertWellFormed();
        return (snapshot, text);
    }

    /// <summary>The parsed file, with the checks DevTools' loader relies on.</summary>
    private sealed class Snapshot
    {
        private int[] _firstEdge = [];

        public List<string> Sections { get; } = [];

        public string[] NodeFields { get; private set; } = [];

        public string[] NodeTypes { get; private set; } = [];

        public string[] EdgeFields { get; private set; } = [];

        public string[] EdgeTypes { get; private set; } = [];

        public int NodeCount { get; private set; }

        public int EdgeCount { get; private set; }

        public long[] Nodes { get; private set; } = [];

        public long[] Edges { get; private set; } = [];

        public string[] Strings { get; private set; } = [];

        public static Snapshot Parse(string text)
        {
            using JsonDocument doc = JsonDocument.Parse(text);
            JsonElement root = doc.RootElement;
            var snap = new Snapshot();
            foreach (JsonProperty section in root.EnumerateObject())
            {
                snap.Sections.Add(section.Name);
            }

            JsonElement header = root.GetProperty("snapshot");
            JsonElement meta = header.GetProperty("meta");
            snap.NodeFields = ReadStrings(meta.GetProperty("node_fields"));
            snap.NodeTypes = ReadStrings(meta.GetProperty("node_types")[0]);
            snap.EdgeFields = ReadStrings(meta.GetProperty("edge_fields"));
            snap.EdgeTypes = ReadStrings(meta.GetProperty("edge_types")[0]);
            Assert.Equal(snap.NodeFields.Length, meta.GetProperty("node_types").GetArrayLength());
            Assert.Equal(snap.EdgeFields.Length, meta.GetProperty("edge_types").GetArrayLength());
            Assert.Equal(["function_id", "name", "script_name", "script_id", "line", "column"], ReadStrings(meta.GetProperty("trace_function_info_fields")));
            Assert.Equal(["id", "function_info_index", "count", "size", "children"], ReadStrings(meta.GetProperty("trace_node_fields")));
            Assert.Equal(["timestamp_us", "last_assigned_id"], ReadStrings(meta.GetProperty("sample_fields")));
            Assert.Equal(["object_index", "script_id", "line", "column"], ReadStrings(meta.GetProperty("location_fields")));
            snap.NodeCount = header.GetProperty("node_count").GetInt32();
            snap.EdgeCount = header.GetProperty("edge_count").GetInt32();
            Assert.Equal(0, header.GetProperty("trace_function_count").GetInt32());
            snap.Nodes = Numbers(root.GetProperty("nodes"));
            snap.Edges = Numbers(root.GetProperty("edges"));
            snap.Strings = ReadStrings(root.GetProperty("strings"));
            foreach (string empty in new[] { "trace_function_infos", "trace_tree", "samples", "locations" })
            {
                Assert.Equal(0, root.GetProperty(empty).GetArrayLength());
            }

            return snap;
        }

        public void AssertWellFormed()
        {
            Assert.Equal(s_nodeFields, NodeFields);
            Assert.Equal(["type", "name_or_index", "to_node"], EdgeFields);
            Assert.Contains("object", NodeTypes);
            Assert.Contains("synthetic", NodeTypes);
            Assert.Equal(["context", "element", "property", "internal", "hidden", "shortcut", "weak"], EdgeTypes);
            Assert.Equal(NodeCount * NodeFields.Length, Nodes.Length);
            Assert.Equal(EdgeCount * EdgeFields.Length, Edges.Length);
            Assert.Equal(Strings.Length, Strings.Distinct(StringComparer.Ordinal).Count());

            // DevTools parses the arrays as unsigned 32-bit integers.
            Assert.All(Nodes, v => Assert.InRange(v, 0, uint.MaxValue));
            Assert.All(Edges, v => Assert.InRange(v, 0, uint.MaxValue));

            _firstEdge = new int[NodeCount + 1];
            long edgeSum = 0;
            var ids = new HashSet<long>();
            for (int n = 0; n < NodeCount; n++)
            {
                Assert.InRange(Node(n, 0), 0, NodeTypes.Length - 1);
                Assert.InRange(Node(n, 1), 0, Strings.Length - 1);
                Assert.True(ids.Add(Node(n, 2)), "duplicate id");
                Assert.Equal(1, Node(n, 2) % 2);
                _firstEdge[n] = (int)edgeSum;
                edgeSum += Node(n, 4);
            }

            _firstEdge[NodeCount] = (int)edgeSum;
            Assert.Equal(EdgeCount, edgeSum);
            for (int e = 0; e < EdgeCount; e++)
            {
                string type = EdgeTypes[(int)Edges[e * 3]];
                long nameOrIndex = Edges[(e * 3) + 1];
                long toNode = Edges[(e * 3) + 2];
                if (type is not ("element" or "hidden"))
                {
                    Assert.InRange(nameOrIndex, 0, Strings.Length - 1);
                }

                Assert.Equal(0, toNode % NodeFields.Length);
                Assert.InRange(toNode, 0, Nodes.Length - 1);
            }

            Assert.Equal("synthetic", NodeType(0));
        }

        public long Node(int node, int field) => Nodes[(node * NodeFields.Length) + field];

        public string NodeType(int node) => NodeTypes[(int)Node(node, 0)];

        public string NodeName(int node) => Strings[(int)Node(node, 1)];

        public List<(string Type, string Name, int To)> EdgesOf(int node)
        {
            var result = new List<(string, string, int)>();
            for (int e = _firstEdge[node]; e < _firstEdge[node + 1]; e++)
            {
                result.Add(Edge(e));
            }

            return result;
        }

        public List<(int From, string Type, string Name)> RetainersOf(int node)
        {
            var result = new List<(int, string, string)>();
            for (int from = 0; from < NodeCount; from++)
            {
                foreach ((string type, string name, int to) in EdgesOf(from))
                {
                    if (to == node)
                    {
                        result.Add((from, type, name));
                    }
                }
            }

            return result;
        }

        public HashSet<int> ReachableFromRoot(bool skipShortcuts)
        {
            var seen = new HashSet<int> { 0 };
            var queue = new Queue<int>([0]);
            while (queue.TryDequeue(out int node))
            {
                foreach ((string type, _, int to) in EdgesOf(node))
                {
                    if ((!skipShortcuts || type != "shortcut") && seen.Add(to))
                    {
                        queue.Enqueue(to);
                    }
                }
            }

            return seen;
        }

        private (string Type, string Name, int To) Edge(int e)
        {
            string type = EdgeTypes[(int)Edges[e * 3]];
            long nameOrIndex = Edges[(e * 3) + 1];
            string name = type is "element" or "hidden" ? nameOrIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) : Strings[(int)nameOrIndex];
            return (type, name, (int)(Edges[(e * 3) + 2] / NodeFields.Length));
        }

        private static string[] ReadStrings(JsonElement array) => [.. array.EnumerateArray().Select(x => x.GetString()!)];

        private static long[] Numbers(JsonElement array)
        {
            var result = new long[array.GetArrayLength()];
            int i = 0;
            foreach (JsonElement x in array.EnumerateArray())
            {
                result[i++] = x.GetInt64();
            }

            return result;
        }
    }
}
