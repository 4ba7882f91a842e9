using System.Text.Encodings.Web;
using System.Text.Json;
using MemTrack.Internal.Export;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Heap.Export;

/// <summary>
/// Writes a heap graph as a V8 heap snapshot (<c>.heapsnapshot</c>, the JSON of V8's
/// <c>HeapSnapshotJSONSerializer</c>) that the Memory tab of Chrome DevTools loads. Node 0 is the synthetic root; it
/// references a synthetic <c>(GC roots)</c> node, which references one synthetic node per root kind
/// (<c>(Static fields)</c>, <c>(Stack roots)</c>, ...), whose property edges, named after the roots
/// (<c>MyApp.Cache.s_items</c>), reach the rooted objects. As V8 does for its global objects, the root also has a
/// shortcut edge to every rooted object, which makes them DevTools' "user roots" (distance 1) without showing up
/// among their retainers. Object references are element edges numbered by their position in the object.
/// </summary>
internal static class ChromeHeapSnapshotWriter
{
    /// <summary>Numbers per node: type, name, id, self_size, edge_count, trace_node_id, detachedness.</summary>
    public const int NodeFieldCount = 7;

    // Indexes into meta.node_types[0] and meta.edge_types[0], in V8's order.
    private const int NodeTypeObject = 3;
    private const int NodeTypeSynthetic = 9;
    private const int EdgeTypeElement = 1;
    private const int EdgeTypeProperty = 2;
    private const int EdgeTypeShortcut = 5;

    private const int RootPosition = 0;
    private const int GcRootsPosition = 1;
    private const int FlushThreshold = 1 << 16;

    private static readonly string[] s_nodeFields = ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"];

    private static readonly string[] s_nodeTypes =
    [
        "hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic",
        "concatenated string", "sliced string", "symbol", "bigint", "object shape",
    ];

    private static readonly string[] s_edgeFields = ["type", "name_or_index", "to_node"];

    private static readonly string[] s_edgeTypes = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

    /// <summary>Writes <paramref name="graph"/> to <paramref name="stream"/> as UTF-8 JSON; the stream stays open.</summary>
    public static void Write(Stream stream, HeapGraph graph)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(graph);

        // The string table; index 0 is V8's unused "<dummy>".
        var strings = new InternTable<string>(StringComparer.Ordinal);
        strings.Intern("<dummy>");
        var layout = new RootLayout(graph, strings);
        int[] typeNameIds = new int[graph.TypeNames.Length];
        for (int t = 0; t < typeNameIds.Length; t++)
        {
            typeNameIds[t] = strings.Intern(graph.TypeNames[t]);
        }

        int objectBase = layout.ObjectBase;
        long nodeCount = (long)objectBase + graph.NodeCount;
        long edgeCount = layout.SyntheticEdgeCount + graph.EdgeCount;

        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
        using var json = new Utf8JsonWriter(stream, options);

        // DevTools' loader finds "snapshot" and reads the object after it, then scans "nodes", "edges", "samples",
        // "locations" and "strings" in this order, so the sections keep V8's order.
        json.WriteStartObject();
        json.WritePropertyName("snapshot");
        json.WriteStartObject();
        WriteMeta(json);
        json.WriteNumber("node_count", nodeCount);
        json.WriteNumber("edge_count", edgeCount);
        json.WriteNumber("trace_function_count", 0);
        json.WriteEndObject();

        json.WritePropertyName("nodes");
        json.WriteStartArray();
        WriteSyntheticNodes(json, layout);
        long[] sizes = graph.Sizes;
        int[] types = graph.Types;
        int[] edgeStart = graph.EdgeStart;
        for (int i = 0; i < graph.NodeCount; i++)
        {
            long position = (long)objectBase + i;
            WriteNode(json, NodeTypeObject, typeNameIds[types[i]], (2 * position) + 1, Math.Clamp(sizes[i], 0, uint.MaxValue), edgeStart[i + 1] - edgeStart[i]);
            FlushIfFull(json);
        }

        json.WriteEndArray();

        json.WritePropertyName("edges");
        json.WriteStartArray();
        WriteSyntheticEdges(json, layout);
        int[] edgeTargets = graph.EdgeTargets;
        for (int i = 0; i < graph.NodeCount; i++)
        {
            int start = edgeStart[i];
            int end = edgeStart[i + 1];
            for (int e = start; e < end; e++)
            {
                WriteEdge(json, EdgeTypeElement, e - start, (long)objectBase + edgeTargets[e]);
            }

            FlushIfFull(json);
        }

        json.WriteEndArray();

        WriteEmptyArray(json, "trace_function_infos");
        WriteEmptyArray(json, "trace_tree");
        WriteEmptyArray(json, "samples");
        WriteEmptyArray(json, "locations");

        json.WritePropertyName("strings");
        json.WriteStartArray();
        foreach (string s in strings.Values)
        {
            json.WriteStringValue(s);
            FlushIfFull(json);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    private static void WriteMeta(Utf8JsonWriter json)
    {
        json.WritePropertyName("meta");
        json.WriteStartObject();
        WriteStringArray(json, "node_fields", s_nodeFields);

        // node_types: the enum of the "type" field, then the kind of each other field.
        json.WritePropertyName("node_types");
        json.WriteStartArray();
        WriteStringArray(json, null, s_nodeTypes);
        json.WriteStringValue("string");
        for (int i = 2; i < s_nodeFields.Length; i++)
        {
            json.WriteStringValue("number");
        }

        json.WriteEndArray();
        WriteStringArray(json, "edge_fields", s_edgeFields);
        json.WritePropertyName("edge_types");
        json.WriteStartArray();
        WriteStringArray(json, null, s_edgeTypes);
        json.WriteStringValue("string_or_number");
        json.WriteStringValue("node");
        json.WriteEndArray();
        WriteStringArray(json, "trace_function_info_fields", ["function_id", "name", "script_name", "script_id", "line", "column"]);
        WriteStringArray(json, "trace_node_fields", ["id", "function_info_index", "count", "size", "children"]);
        WriteStringArray(json, "sample_fields", ["timestamp_us", "last_assigned_id"]);
        WriteStringArray(json, "location_fields", ["object_index", "script_id", "line", "column"]);
        json.WriteEndObject();
    }

    private static void WriteSyntheticNodes(Utf8JsonWriter json, RootLayout layout)
    {
        WriteNode(json, NodeTypeSynthetic, layout.RootNameId, (2 * RootPosition) + 1, 0, 1 + layout.ShortcutNodes.Count);
        WriteNode(json, NodeTypeSynthetic, layout.GcRootsNameId, (2 * GcRootsPosition) + 1, 0, layout.Categories.Count);
        for (int c = 0; c < layout.Categories.Count; c++)
        {
            RootCategory category = layout.Categories[c];
            WriteNode(json, NodeTypeSynthetic, category.NameId, (2 * (long)RootLayout.CategoryPosition(c)) + 1, 0, category.Nodes.Count);
        }
    }

    private static void WriteSyntheticEdges(Utf8JsonWriter json, RootLayout layout)
    {
        int objectBase = layout.ObjectBase;

        // Root: (GC roots) first, as in V8, then a shortcut to every rooted object.
        WriteEdge(json, EdgeTypeElement, 1, GcRootsPosition);
        for (int i = 0; i < layout.ShortcutNodes.Count; i++)
        {
            WriteEdge(json, EdgeTypeShortcut, layout.ShortcutNameIds[i], (long)objectBase + layout.ShortcutNodes[i]);
            FlushIfFull(json);
        }

        for (int c = 0; c < layout.Categories.Count; c++)
        {
            WriteEdge(json, EdgeTypeElement, c + 1, RootLayout.CategoryPosition(c));
        }

        foreach (RootCategory category in layout.Categories)
        {
            for (int i = 0; i < category.Nodes.Count; i++)
            {
                WriteEdge(json, EdgeTypeProperty, category.NameIds[i], (long)objectBase + category.Nodes[i]);
                FlushIfFull(json);
            }
        }
    }

    private static void WriteNode(Utf8JsonWriter json, int type, int nameId, long id, long selfSize, int edgeCount)
    {
        json.WriteNumberValue(type);
        json.WriteNumberValue(nameId);
        json.WriteNumberValue(id);
        json.WriteNumberValue(selfSize);
        json.WriteNumberValue(edgeCount);
        json.WriteNumberValue(0); // trace_node_id: no allocation traces
        json.WriteNumberValue(0); // detachedness: unknown
    }

    private static void WriteEdge(Utf8JsonWriter json, int type, int nameOrIndex, long toPosition)
    {
        json.WriteNumberValue(type);
        json.WriteNumberValue(nameOrIndex);
        json.WriteNumberValue(toPosition * NodeFieldCount);
    }

    private static void WriteStringArray(Utf8JsonWriter json, string? name, string[] values)
    {
        if (name is not null)
        {
            json.WritePropertyName(name);
        }

        json.WriteStartArray();
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteEmptyArray(Utf8JsonWriter json, string name)
    {
        json.WritePropertyName(name);
        json.WriteStartArray();
        json.WriteEndArray();
    }

    private static void FlushIfFull(Utf8JsonWriter json)
    {
        if (json.BytesPending > FlushThreshold)
        {
            json.Flush();
        }
    }

    /// <summary>The rooted objects of one <see cref="RootKind"/> (the graph's roots are distinct).</summary>
    private sealed class RootCategory(int nameId)
    {
        public int NameId { get; } = nameId;

        public List<int> Nodes { get; } = [];

        public List<int> NameIds { get; } = [];
    }

    /// <summary>The synthetic nodes and edges that stand for the GC roots, computed before anything is written.</summary>
    private sealed class RootLayout
    {
        public RootLayout(HeapGraph graph, InternTable<string> strings)
        {
            RootNameId = strings.Intern(string.Empty);
            GcRootsNameId = strings.Intern("(GC roots)");
            var byKind = new RootCategory?[Enum.GetValues<RootKind>().Length];
            var shortcut = new bool[graph.NodeCount];
            foreach (HeapRoot root in graph.Roots)
            {
                int nameId = strings.Intern(root.Name);
                RootCategory category = byKind[(int)root.Kind] ??= new RootCategory(strings.Intern(CategoryName(root.Kind)));
                category.Nodes.Add(root.Node);
                category.NameIds.Add(nameId);
                SyntheticEdgeCount++;
                if (!shortcut[root.Node])
                {
                    // Roots come most precisely named kind first: the shortcut takes the best name.
                    shortcut[root.Node] = true;
                    ShortcutNodes.Add(root.Node);
                    ShortcutNameIds.Add(nameId);
                }
            }

            foreach (RootCategory? category in byKind)
            {
                if (category is not null)
                {
                    Categories.Add(category);
                }
            }

            SyntheticEdgeCount += 1 + ShortcutNodes.Count + Categories.Count;
        }

        public int RootNameId { get; }

        public int GcRootsNameId { get; }

        public List<RootCategory> Categories { get; } = [];

        public List<int> ShortcutNodes { get; } = [];

        public List<int> ShortcutNameIds { get; } = [];

        /// <summary>Edges of the root, <c>(GC roots)</c> and the category nodes.</summary>
        public long SyntheticEdgeCount { get; }

        /// <summary>Position of the first object node: after the root, <c>(GC roots)</c> and the categories.</summary>
        public int ObjectBase => GcRootsPosition + 1 + Categories.Count;

        public static int CategoryPosition(int category) => GcRootsPosition + 1 + category;

        private static string CategoryName(RootKind kind) => kind switch
        {
            RootKind.StaticField => "(Static fields)",
            RootKind.ThreadStaticField => "(Thread-static fields)",
            RootKind.StrongHandle => "(Strong handles)",
            RootKind.PinnedHandle => "(Pinned handles)",
            RootKind.DependentHandle => "(Dependent handles)",
            RootKind.FinalizerQueue => "(Finalizer queue)",
            RootKind.Stack => "(Stack roots)",
            _ => "(Other roots)",
        };
    }
}
