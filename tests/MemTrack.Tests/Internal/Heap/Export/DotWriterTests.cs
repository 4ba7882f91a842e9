using System.Text;
using System.Text.RegularExpressions;
using MemTrack.Internal.Heap.Export;
using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.Shared;

namespace MemTrack.Tests.Internal.Heap.Export;

public sealed partial class DotWriterTests
{
    [Fact]
    public void Backrefs_of_a_shared_object_form_a_valid_digraph_with_roots_and_escaped_labels()
    {
        TestGraph.Sample s = TestGraph.CreateSample();
        Dot dot = Render(s.Graph, [s.Customer], maxDepth: 10, maxNodes: 100);

        Assert.Equal(
            new[] { s.List, s.Array, s.Order1, s.Order2, s.Customer, s.Handle, s.Garbage }.Select(Id).Order(),
            dot.ObjectIds.Order());
        Assert.Equal(
            new[] { (s.Order1, s.Customer), (s.Order2, s.Customer), (s.Array, s.Order1), (s.Garbage, s.Order1), (s.Array, s.Order2), (s.Handle, s.Order2), (s.List, s.Array) }
                .Select(e => (Id(e.Item1), Id(e.Item2))).Order(),
            dot.Edges.Where(e => e.From.StartsWith('n')).Order());

        // Labels: type, size, address; the target is highlighted; quotes and backslashes are escaped.
        Assert.Equal($"MyApp.Outer+Customer\n48 bytes\n0x{s.Graph.Addresses[s.Customer]:x}", dot.Labels[Id(s.Customer)]);
        Assert.Contains("#ff6060", dot.Attributes[Id(s.Customer)], StringComparison.Ordinal);
        Assert.DoesNotContain("#ff6060", dot.Attributes[Id(s.Order1)], StringComparison.Ordinal);
        Assert.StartsWith("MyApp.Weird\"Name\\Back\n", dot.Labels[Id(s.Garbage)], StringComparison.Ordinal);
        Assert.Contains("MyApp.Weird\\\"Name\\\\Back\\n", dot.Text, StringComparison.Ordinal);
        Assert.Contains("System.Collections.Generic.List`1[MyApp.Order]\n32 bytes", dot.Labels[Id(s.List)], StringComparison.Ordinal);

        // One box per distinct root, pointing at the object it holds; the duplicate stack root is drawn once.
        string staticRoot = Assert.Single(dot.Labels, l => l.Value == "StaticField\nMyApp.Cache.s_items").Key;
        Assert.Contains((staticRoot, Id(s.List)), dot.Edges);
        Assert.Single(dot.Labels, l => l.Value == "StrongHandle\nstrong handle");
        string stackRoot = Assert.Single(dot.Labels, l => l.Value == "Stack\nthread stack").Key;
        Assert.Contains((stackRoot, Id(s.Handle)), dot.Edges);
        Assert.Equal(3, dot.Edges.Count(e => e.From.StartsWith('r')));
        Assert.DoesNotContain("more", dot.Labels.Keys);
    }

    [Fact]
    public void Cycles_are_walked_once_and_drawn_in_both_directions()
    {
        TestGraph.Sample s = TestGraph.CreateSample();
        Dot dot = Render(s.Graph, [s.Order3], maxDepth: 50, maxNodes: 100);

        Assert.Equal(new[] { s.List, s.Array, s.Order3, s.Line }.Select(Id).Order(), dot.ObjectIds.Order());
        Assert.Contains((Id(s.Line), Id(s.Order3)), dot.Edges);
        Assert.Contains((Id(s.Order3), Id(s.Line)), dot.Edges);
        Assert.Equal(dot.Edges.Count, dot.Edges.Distinct().Count());
    }

    [Fact]
    public void The_walk_stops_at_gc_roots_and_at_the_depth_bound()
    {
        var g = new TestGraph();
        int target = g.Add("T");
        int rooted = g.Add("R");
        int beyondRoot = g.Add("Q");
        int a = g.Add("A");
        int b = g.Add("B");
        int c = g.Add("C");
        g.Ref(rooted, target).Ref(beyondRoot, rooted).Ref(a, target).Ref(b, a).Ref(c, b)
            .Root(rooted, RootKind.StaticField, "Holder.s_field");
        HeapGraph graph = g.Build();

        Dot dot = Render(graph, [target], maxDepth: 2, maxNodes: 100);
        Assert.Equal(new[] { target, rooted, a, b }.Select(Id).Order(), dot.ObjectIds.Order());

        Assert.Equal([Id(target)], Render(graph, [target], maxDepth: 0, maxNodes: 100).ObjectIds);
    }

    [Fact]
    public void A_fan_in_of_ten_thousand_referrers_is_cut_at_max_nodes_with_a_note()
    {
        var g = new TestGraph();
        int target = g.Add("Target");
        for (int i = 0; i < 10_000; i++)
        {
            g.Ref(g.Add("Referrer"), target);
        }

        Dot dot = Render(g.Build(), [target], maxDepth: 5, maxNodes: 50);

        Assert.Equal(50, dot.ObjectIds.Count);
        Assert.Contains(Id(target), dot.ObjectIds);
        Assert.Equal(49, dot.Edges.Count(e => e.To == Id(target) && e.From.StartsWith('n')));
        Assert.StartsWith("9951 more referrer(s) not shown", dot.Labels["more"], StringComparison.Ordinal);
        Assert.Contains(("more", Id(target)), dot.Edges);
    }

    [Fact]
    public void A_long_chain_is_cut_by_depth_and_by_node_count()
    {
        var g = new TestGraph();
        int previous = g.Add("Link");
        int first = previous;
        for (int i = 1; i < 10_000; i++)
        {
            int next = g.Add("Link");
            g.Ref(next, previous);
            previous = next;
        }

        HeapGraph graph = g.Build();
        Dot byDepth = Render(graph, [first], maxDepth: 5, maxNodes: 1_000);
        Assert.Equal(6, byDepth.ObjectIds.Count);
        Assert.Equal(5, byDepth.Edges.Count);
        Assert.DoesNotContain("more", byDepth.Labels.Keys);

        Dot byCount = Render(graph, [first], maxDepth: 100_000, maxNodes: 20);
        Assert.Equal(20, byCount.ObjectIds.Count);
        Assert.StartsWith("1 more referrer(s) not shown", byCount.Labels["more"], StringComparison.Ordinal);
    }

    [Fact]
    public void Targets_beyond_max_nodes_are_counted_and_bad_targets_throw()
    {
        TestGraph.Sample s = TestGraph.CreateSample();
        Dot dot = Render(s.Graph, [s.Order1, s.Order2, s.Order3], maxDepth: 3, maxNodes: 2);
        Assert.Equal(2, dot.ObjectIds.Count);
        Assert.Contains("1 more target(s) not shown", dot.Labels["more"], StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => Render(s.Graph, [s.Graph.NodeCount], 3, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Render(s.Graph, [0], 3, 0));
    }

    [GraphvizFact]
    public void Graphviz_lays_out_the_output()
    {
        TestGraph.Sample s = TestGraph.CreateSample();
        RunDot(Render(s.Graph, [s.Customer, s.Order3], maxDepth: 10, maxNodes: 100).Text);

        var g = new TestGraph();
        int target = g.Add("Target");
        for (int i = 0; i < 1_000; i++)
        {
            g.Ref(g.Add("Referrer"), target);
        }

        RunDot(Render(g.Build(), [target], maxDepth: 3, maxNodes: 30).Text);
    }

    internal static Dot Render(HeapGraph graph, int[] targets, int maxDepth, int maxNodes)
    {
        var writer = new StringWriter();
        DotWriter.Write(writer, graph, targets, maxDepth, maxNodes);
        return Dot.Parse(writer.ToString());
    }

    private static string Id(int node) => "n" + node;

    private static void RunDot(string text)
    {
        ChildResult dot = ChildProcess.Run(GraphvizFactAttribute.DotPath!, ["-Tsvg"], standardInput: text);
        Assert.Equal("", dot.StandardError);
        Assert.Equal(0, dot.ExitCode);
        Assert.Contains("<svg", dot.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>A strict reader of the DOT subset DotWriter emits: every line must be a known statement.</summary>
    internal sealed partial class Dot
    {
        public string Text { get; private init; } = "";

        /// <summary>Node id to unescaped label.</summary>
        public Dictionary<string, string> Labels { get; } = [];

        /// <summary>Node id to the attributes after the label.</summary>
        public Dictionary<string, string> Attributes { get; } = [];

        public List<(string From, string To)> Edges { get; } = [];

        public List<string> ObjectIds => [.. Labels.Keys.Where(k => k.StartsWith('n'))];

        public static Dot Parse(string text)
        {
            var dot = new Dot { Text = text };
            AssertBalancedBraces(text);
            string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("digraph backrefs {", lines[0]);
            Assert.Equal("}", lines[^1]);
            foreach (string line in lines[1..^1])
            {
                Match node = NodeLine().Match(line);
                Match edge = EdgeLine().Match(line);
                if (node.Success)
                {
                    Assert.True(dot.Labels.TryAdd(node.Groups[1].Value, Unescape(node.Groups[2].Value)), "node declared twice: " + line);
                    dot.Attributes.Add(node.Groups[1].Value, node.Groups[3].Value);
                }
                else if (edge.Success)
                {
                    dot.Edges.Add((edge.Groups[1].Value, edge.Groups[2].Value));
                }
                else
                {
                    Assert.Matches(@"^  (node|edge) \[[^\]]*\];$", line);
                }
            }

            foreach ((string from, string to) in dot.Edges)
            {
                Assert.True(dot.Labels.ContainsKey(from), "edge from an undeclared node " + from);
                Assert.True(dot.Labels.ContainsKey(to), "edge to an undeclared node " + to);
            }

            return dot;
        }

        private static void AssertBalancedBraces(string text)
        {
            int depth = 0;
            bool quoted = false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (quoted)
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                }
                else if (c == '"')
                {
                    quoted = true;
                }
                else if (c == '{')
                {
                    depth++;
                }
                else if (c == '}')
                {
                    depth--;
                    Assert.True(depth >= 0);
                }
            }

            Assert.False(quoted);
            Assert.Equal(0, depth);
        }

        private static string Unescape(string label)
        {
            var result = new StringBuilder();
            for (int i = 0; i < label.Length; i++)
            {
                if (label[i] != '\\')
                {
                    Assert.NotEqual('"', label[i]);
                    result.Append(label[i]);
                    continue;
                }

                char next = label[++i];
                result.Append(next switch
                {
                    'n' => '\n',
                    '"' => '"',
                    '\\' => '\\',
                    _ => throw new InvalidOperationException("unexpected escape \\" + next),
                });
            }

            return result.ToString();
        }

        [GeneratedRegex("""^  (\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\];$""")]
        private static partial Regex NodeLine();

        [GeneratedRegex(@"^  (\w+) -> (\w+)( \[[^\]]*\])?;$")]
        private static partial Regex EdgeLine();
    }
}
