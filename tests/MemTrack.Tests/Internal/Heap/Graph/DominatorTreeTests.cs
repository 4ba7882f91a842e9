using System.Diagnostics;
using System.Globalization;
using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.Internal.Heap.Export;

namespace MemTrack.Tests.Internal.Heap.Graph;

public sealed class DominatorTreeTests
{
    [Fact]
    public void A_chain_is_its_own_dominator_tree_and_retains_its_tail()
    {
        var g = new TestGraph();
        int a = g.Add("A", 10);
        int b = g.Add("B", 20);
        int c = g.Add("C", 40);
        g.Ref(a, b).Ref(b, c).Root(a, RootKind.Stack, "stack");
        DominatorTree tree = new(g.Build());

        Assert.Equal(3, tree.VirtualRoot);
        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(a));
        Assert.Equal(a, tree.ImmediateDominator(b));
        Assert.Equal(b, tree.ImmediateDominator(c));
        Assert.Equal(70, tree.RetainedSize(a));
        Assert.Equal(60, tree.RetainedSize(b));
        Assert.Equal(40, tree.RetainedSize(c));
        Assert.Equal(70, tree.RetainedSize(tree.VirtualRoot));
    }

    [Fact]
    public void The_join_of_a_diamond_is_dominated_by_the_fork()
    {
        var g = new TestGraph();
        int fork = g.Add("Fork", 1);
        int left = g.Add("Left", 2);
        int right = g.Add("Right", 4);
        int join = g.Add("Join", 8);
        int below = g.Add("Below", 16);
        g.Ref(fork, left, right).Ref(left, join).Ref(right, join).Ref(join, below).Root(fork, RootKind.StaticField, "s_fork");
        DominatorTree tree = new(g.Build());

        Assert.Equal(fork, tree.ImmediateDominator(left));
        Assert.Equal(fork, tree.ImmediateDominator(right));
        Assert.Equal(fork, tree.ImmediateDominator(join));
        Assert.Equal(join, tree.ImmediateDominator(below));
        Assert.Equal(2, tree.RetainedSize(left));
        Assert.Equal(4, tree.RetainedSize(right));
        Assert.Equal(24, tree.RetainedSize(join));
        Assert.Equal(31, tree.RetainedSize(fork));
    }

    [Fact]
    public void A_cycle_is_dominated_by_the_object_it_is_entered_through()
    {
        var g = new TestGraph();
        int holder = g.Add("Holder", 100);
        int a = g.Add("A", 1);
        int b = g.Add("B", 2);
        int c = g.Add("C", 4);
        g.Ref(holder, a).Ref(a, b).Ref(b, c).Ref(c, a).Root(holder, RootKind.Stack, "stack");
        DominatorTree tree = new(g.Build());

        Assert.Equal(holder, tree.ImmediateDominator(a));
        Assert.Equal(a, tree.ImmediateDominator(b));
        Assert.Equal(b, tree.ImmediateDominator(c));
        Assert.Equal(7, tree.RetainedSize(a));
        Assert.Equal(6, tree.RetainedSize(b));
        Assert.Equal(107, tree.RetainedSize(holder));
    }

    [Fact]
    public void An_object_held_by_two_roots_is_dominated_by_the_virtual_root_only()
    {
        var g = new TestGraph();
        int first = g.Add("First", 10);
        int second = g.Add("Second", 20);
        int shared = g.Add("Shared", 40);
        int child = g.Add("Child", 80);
        g.Ref(first, shared).Ref(second, shared).Ref(shared, child)
            .Root(first, RootKind.StaticField, "s_first")
            .Root(second, RootKind.Stack, "stack");
        DominatorTree tree = new(g.Build());

        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(first));
        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(second));
        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(shared));
        Assert.Equal(shared, tree.ImmediateDominator(child));
        Assert.Equal(10, tree.RetainedSize(first));
        Assert.Equal(20, tree.RetainedSize(second));
        Assert.Equal(120, tree.RetainedSize(shared));
    }

    [Fact]
    public void A_root_object_that_another_root_also_references_is_retained_by_no_object()
    {
        // A static field holds Holder, which references Cached; Cached is also on a thread's stack. Clearing the
        // static field would not free Cached, so Holder does not retain it: its immediate dominator is the virtual
        // root, whatever order the depth-first search meets the two roots in.
        var g = new TestGraph();
        int holder = g.Add("Holder", 10);
        int cached = g.Add("Cached", 1000);
        int payload = g.Add("Payload", 5);
        g.Ref(holder, cached).Ref(cached, payload)
            .Root(holder, RootKind.StaticField, "s_holder")
            .Root(cached, RootKind.Stack, "stack");
        DominatorTree tree = new(g.Build());

        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(holder));
        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(cached));
        Assert.Equal(cached, tree.ImmediateDominator(payload));
        Assert.Equal(10, tree.RetainedSize(holder));
        Assert.Equal(1005, tree.RetainedSize(cached));
    }

    [Fact]
    public void Unreached_objects_hang_off_the_virtual_root_and_do_not_steal_reachable_ones()
    {
        var g = new TestGraph();
        int root = g.Add("Root", 1);
        int live = g.Add("Live", 2);
        int garbage = g.Add("Garbage", 4);
        int garbageChild = g.Add("GarbageChild", 8);
        int isolated = g.Add("Isolated", 16);
        g.Ref(root, live).Ref(garbage, live, garbageChild).Root(root, RootKind.Stack, "stack");
        DominatorTree tree = new(g.Build());

        // The unreached Garbage also references Live, so Root no longer dominates it.
        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(live));
        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(garbage));
        Assert.Equal(garbage, tree.ImmediateDominator(garbageChild));
        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(isolated));
        Assert.Equal(1, tree.RetainedSize(root));
        Assert.Equal(12, tree.RetainedSize(garbage));
        Assert.Equal(16, tree.RetainedSize(isolated));
        Assert.Equal(31, tree.RetainedSize(tree.VirtualRoot));
    }

    [Fact]
    public void A_graph_without_roots_is_a_forest_under_the_virtual_root()
    {
        var g = new TestGraph();
        int a = g.Add("A", 1);
        int b = g.Add("B", 2);
        int c = g.Add("C", 4);
        g.Ref(a, b).Ref(c, b);
        DominatorTree tree = new(g.Build());

        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(a));
        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(b));
        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(c));
        Assert.Equal(1, tree.RetainedSize(a));
    }

    [Fact]
    public void A_self_reference_changes_nothing()
    {
        var g = new TestGraph();
        int root = g.Add("Root", 1);
        int self = g.Add("Self", 2);
        int child = g.Add("Child", 4);
        g.Ref(root, self).Ref(self, self, child, self).Ref(child, child).Root(root, RootKind.Stack, "stack");
        DominatorTree tree = new(g.Build());

        Assert.Equal(root, tree.ImmediateDominator(self));
        Assert.Equal(self, tree.ImmediateDominator(child));
        Assert.Equal(6, tree.RetainedSize(self));
        Assert.Equal(7, tree.RetainedSize(root));
    }

    [Fact]
    public void An_object_retains_its_private_subtree_but_not_a_shared_child()
    {
        var g = new TestGraph();
        int holder = g.Add("Holder", 10);
        int private1 = g.Add("Private", 20);
        int private2 = g.Add("Private", 40);
        int privateLeaf = g.Add("Leaf", 80);
        int shared = g.Add("Shared", 1000);
        int other = g.Add("Other", 5);
        g.Ref(holder, private1, shared).Ref(private1, private2, privateLeaf).Ref(private2, privateLeaf).Ref(other, shared)
            .Root(holder, RootKind.StaticField, "s_holder")
            .Root(other, RootKind.Stack, "stack");
        DominatorTree tree = new(g.Build());

        Assert.Equal(150, tree.RetainedSize(holder));
        Assert.Equal(140, tree.RetainedSize(private1));
        Assert.Equal(private1, tree.ImmediateDominator(privateLeaf));
        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(shared));
        Assert.Equal(1000, tree.RetainedSize(shared));
    }

    [Fact]
    public void Retained_size_by_type_counts_nested_objects_of_one_type_once()
    {
        // A linked list: each node dominates the rest, so only the head counts; a second, separate list adds its
        // own head; a payload type under a list node is counted on its own too.
        var g = new TestGraph();
        int head = g.Add("Node", 10);
        int middle = g.Add("Node", 10);
        int tail = g.Add("Node", 10);
        int payload = g.Add("Payload", 100);
        int otherHead = g.Add("Node", 7);
        int container = g.Add("Container", 1);
        g.Ref(container, head, otherHead).Ref(head, middle).Ref(middle, tail, payload)
            .Root(container, RootKind.Stack, "stack");
        HeapGraph graph = g.Build();
        var tree = new DominatorTree(graph);

        long[] byType = tree.RetainedSizeByType();
        Assert.Equal(graph.TypeNames.Length, byType.Length);
        Assert.Equal(130 + 7, byType[graph.Types[head]]);
        Assert.Equal(100, byType[graph.Types[payload]]);
        Assert.Equal(138, byType[graph.Types[container]]);
    }

    [Fact]
    public void Heap_graph_caches_one_dominator_tree()
    {
        HeapGraph graph = TestGraph.CreateSample().Graph;
        Assert.Same(graph.Dominators, graph.Dominators);
    }

    [Fact]
    public void Random_graphs_whose_roots_have_no_referrers_match_the_definition()
    {
        AssertMatchesDefinition(seed: 20240611, graphs: 200, rootsWithoutReferrers: true);
    }

    [Fact]
    public void Random_graphs_match_the_definition()
    {
        AssertMatchesDefinition(seed: 7, graphs: 200, rootsWithoutReferrers: false);
    }

    // A guard against a quadratic algorithm (hours at a million objects), not a speed measurement: it runs in about
    // 1-3 s here, and took 14 s once on a 2-core machine at load 15, so the bound leaves room for a busy runner.
    // Speed is measured by the heap-capture benchmark (docs/performance.md).
    private static readonly TimeSpan NearLinearBound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_million_object_chain_is_computed_without_recursion(bool reversed)
    {
        const int n = 1_000_000;
        HeapGraph graph = GraphFixtures.Chain(n, reversed);
        var clock = Stopwatch.StartNew();
        var tree = new DominatorTree(graph);
        long[] byType = tree.RetainedSizeByType();
        clock.Stop();

        int head = reversed ? n - 1 : 0;
        int step = reversed ? 1 : -1;
        Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(head));
        int wrong = 0;
        for (int i = 0; i < n; i++)
        {
            if (i != head && tree.ImmediateDominator(i) != i + step)
            {
                wrong++;
            }
        }

        Assert.Equal(0, wrong);
        Assert.Equal(16L * n, tree.RetainedSize(head));
        Assert.Equal(16L * n, tree.RetainedSize(tree.VirtualRoot));
        Assert.Equal(16, tree.RetainedSize(reversed ? 0 : n - 1));
        Assert.Equal(16L * (reversed ? (n / 3) + 1 : n - (n / 3)), tree.RetainedSize(n / 3));

        // The head's type counts the whole chain; the other type only its first object below the head.
        Assert.Equal(16L * n, byType[graph.Types[head]]);
        Assert.Equal(16L * (n - 1), byType[1 - graph.Types[head]]);
        Assert.True(clock.Elapsed < NearLinearBound, clock.Elapsed.ToString());
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void A_million_object_random_graph_gives_a_consistent_tree()
    {
        const int n = 1_000_000;
        HeapGraph graph = GraphFixtures.LargeRandom(n, degree: 3, seed: 99);
        var clock = Stopwatch.StartNew();
        var tree = new DominatorTree(graph);
        long[] byType = tree.RetainedSizeByType();
        clock.Stop();
        Assert.True(clock.Elapsed < NearLinearBound, clock.Elapsed.ToString());

        Assert.Equal(graph.TotalSize, tree.RetainedSize(tree.VirtualRoot));
        Assert.True(byType.Sum() >= graph.TotalSize);

        // Necessary conditions of a dominator tree: every edge u -> v has idom(v) as an ancestor-or-self of u, each
        // root object hangs off the virtual root, and a node retains its own size plus its children's.
        var tin = new int[n + 1];
        var tout = new int[n + 1];
        EulerTour(tree, n, tin, tout);
        bool AncestorOrSelf(int a, int b) => tin[a] <= tin[b] && tout[b] <= tout[a];

        long badEdges = 0;
        for (int u = 0; u < n; u++)
        {
            foreach (int v in graph.References(u))
            {
                if (!AncestorOrSelf(tree.ImmediateDominator(v), u))
                {
                    badEdges++;
                }
            }
        }

        Assert.Equal(0, badEdges);
        Assert.All(graph.Roots, r => Assert.Equal(tree.VirtualRoot, tree.ImmediateDominator(r.Node)));
        var childSum = new long[n + 1];
        for (int v = 0; v < n; v++)
        {
            childSum[tree.ImmediateDominator(v)] += tree.RetainedSize(v);
        }

        int badSums = 0;
        for (int v = 0; v < n; v++)
        {
            if (tree.RetainedSize(v) != graph.Sizes[v] + childSum[v])
            {
                badSums++;
            }
        }

        Assert.Equal(0, badSums);
    }

    private static void AssertMatchesDefinition(int seed, int graphs, bool rootsWithoutReferrers)
    {
        var random = new Random(seed);
        var mismatches = new List<string>();
        for (int index = 0; index < graphs && mismatches.Count < 20; index++)
        {
            HeapGraph graph = GraphFixtures.Random(random, rootsWithoutReferrers);
            var expected = new NaiveDominators(graph);
            var tree = new DominatorTree(graph);
            string where = string.Create(CultureInfo.InvariantCulture, $"graph {index} ({Describe(graph)})");
            Assert.Equal(expected.VirtualRoot, tree.VirtualRoot);
            for (int v = 0; v < graph.NodeCount; v++)
            {
                if (tree.ImmediateDominator(v) != expected.Idom[v])
                {
                    mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: idom({v}) = {tree.ImmediateDominator(v)}, expected {expected.Idom[v]}"));
                }

                if (tree.RetainedSize(v) != expected.Retained[v])
                {
                    mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: retained({v}) = {tree.RetainedSize(v)}, expected {expected.Retained[v]}"));
                }
            }

            if (tree.RetainedSize(tree.VirtualRoot) != graph.TotalSize)
            {
                mismatches.Add($"{where}: the virtual root does not retain everything");
            }

            long[] byType = tree.RetainedSizeByType();
            if (!byType.SequenceEqual(expected.ByType))
            {
                mismatches.Add($"{where}: by type [{string.Join(",", byType)}], expected [{string.Join(",", expected.ByType)}]");
            }
        }

        Assert.Empty(mismatches);
    }

    private static string Describe(HeapGraph graph)
    {
        IEnumerable<string> edges = Enumerable.Range(0, graph.NodeCount)
            .Where(v => graph.References(v).Length > 0)
            .Select(v => v + "->" + string.Join("/", graph.References(v).ToArray()));
        return "roots " + string.Join(",", graph.Roots.Select(r => r.Node)) + "; " + string.Join(" ", edges);
    }

    private static void EulerTour(DominatorTree tree, int n, int[] tin, int[] tout)
    {
        var childStart = new int[n + 2];
        for (int v = 0; v < n; v++)
        {
            childStart[tree.ImmediateDominator(v) + 1]++;
        }

        for (int v = 1; v <= n + 1; v++)
        {
            childStart[v] += childStart[v - 1];
        }

        var children = new int[n];
        var fill = (int[])childStart.Clone();
        for (int v = 0; v < n; v++)
        {
            children[fill[tree.ImmediateDominator(v)]++] = v;
        }

        int time = 0;
        var stack = new Stack<(int Node, bool Exit)>();
        stack.Push((n, false));
        while (stack.TryPop(out (int Node, bool Exit) item))
        {
            if (item.Exit)
            {
                tout[item.Node] = time++;
                continue;
            }

            tin[item.Node] = time++;
            stack.Push((item.Node, true));
            for (int c = childStart[item.Node]; c < childStart[item.Node + 1]; c++)
            {
                stack.Push((children[c], false));
            }
        }
    }
}
