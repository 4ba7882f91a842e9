using System.Globalization;
using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.Internal.Heap.Export;

namespace MemTrack.Tests.Internal.Heap.Graph;

public sealed class RootPathsTests
{
    [Fact]
    public void The_shortest_chain_is_returned_root_object_first()
    {
        var g = new TestGraph();
        int root = g.Add("Root");
        int a = g.Add("A");
        int b = g.Add("B");
        int c = g.Add("C");
        int target = g.Add("Target");
        g.Ref(root, a, c).Ref(a, b).Ref(b, target).Ref(c, target).Root(root, RootKind.StaticField, "Holder.s_root");
        HeapGraph graph = g.Build();

        (HeapRoot heapRoot, int[] nodes) = Assert.NotNull(graph.RootPaths.PathTo(target));
        Assert.Equal(new HeapRoot(root, RootKind.StaticField, "Holder.s_root"), heapRoot);
        Assert.Equal([root, c, target], nodes);
        Assert.Equal(heapRoot, graph.RootPaths.RootOf(target));
    }

    [Fact]
    public void A_root_object_is_a_path_of_one()
    {
        var g = new TestGraph();
        int root = g.Add("Root");
        g.Root(root, RootKind.Stack, "stack");
        HeapGraph graph = g.Build();

        (HeapRoot heapRoot, int[] nodes) = Assert.NotNull(graph.RootPaths.PathTo(root));
        Assert.Equal(RootKind.Stack, heapRoot.Kind);
        Assert.Equal([root], nodes);
    }

    [Fact]
    public void A_static_root_wins_over_a_stack_root_at_the_same_distance()
    {
        // The stack root is declared first, and its object comes first in address order: only the kind order of
        // the roots can make the static field win.
        var g = new TestGraph();
        int onStack = g.Add("OnStack");
        int stackChild = g.Add("StackChild");
        int target = g.Add("Target");
        int inStatic = g.Add("InStatic");
        int staticChild = g.Add("StaticChild");
        g.Ref(onStack, stackChild).Ref(stackChild, target).Ref(inStatic, staticChild).Ref(staticChild, target)
            .Root(onStack, RootKind.Stack, "stack")
            .Root(inStatic, RootKind.StaticField, "Holder.s_field");
        HeapGraph graph = g.Build();

        (HeapRoot root, int[] nodes) = Assert.NotNull(graph.RootPaths.PathTo(target));
        Assert.Equal(RootKind.StaticField, root.Kind);
        Assert.Equal("Holder.s_field", root.Name);
        Assert.Equal([inStatic, staticChild, target], nodes);

        // A shorter stack path still wins: the kind order only breaks ties.
        g.Ref(onStack, target);
        graph = g.Build();
        (root, nodes) = Assert.NotNull(graph.RootPaths.PathTo(target));
        Assert.Equal(RootKind.Stack, root.Kind);
        Assert.Equal([onStack, target], nodes);
    }

    [Fact]
    public void An_object_no_root_reaches_has_no_path()
    {
        TestGraph.Sample s = TestGraph.CreateSample();
        RootPaths paths = s.Graph.RootPaths;

        Assert.Null(paths.PathTo(s.Garbage));
        Assert.Null(paths.RootOf(s.Garbage));
        // The handle's object is one reference closer than the static list; of its two roots the handle comes first.
        (HeapRoot root, int[] nodes) = Assert.NotNull(paths.PathTo(s.Customer));
        Assert.Equal(new HeapRoot(s.Handle, RootKind.StrongHandle, "strong handle"), root);
        Assert.Equal([s.Handle, s.Order2, s.Customer], nodes);
        (root, nodes) = Assert.NotNull(paths.PathTo(s.Line));
        Assert.Equal(RootKind.StaticField, root.Kind);
        Assert.Equal([s.List, s.Array, s.Order3, s.Line], nodes);
        Assert.Same(paths, s.Graph.RootPaths);
    }

    [Fact]
    public void Random_graphs_get_shortest_real_chains_from_the_first_root_at_that_distance()
    {
        var random = new Random(4242);
        var problems = new List<string>();
        for (int index = 0; index < 200 && problems.Count < 20; index++)
        {
            HeapGraph graph = GraphFixtures.Random(random, rootsWithoutReferrers: false);
            RootPaths paths = new(graph);
            int[][] byRoot = [.. graph.Roots.Select(r => Distances(graph, [r.Node]))];
            int[] nearest = Distances(graph, [.. graph.Roots.Select(r => r.Node)]);
            for (int v = 0; v < graph.NodeCount; v++)
            {
                string where = string.Create(CultureInfo.InvariantCulture, $"graph {index} node {v}");
                var result = paths.PathTo(v);
                if (nearest[v] < 0)
                {
                    if (result is not null || paths.RootOf(v) is not null)
                    {
                        problems.Add(where + ": unreachable but has a path");
                    }

                    continue;
                }

                if (result is not (HeapRoot root, int[] nodes))
                {
                    problems.Add(where + ": reachable but has no path");
                    continue;
                }

                int expectedRoot = Enumerable.Range(0, graph.Roots.Length).First(r => byRoot[r][v] == nearest[v]);
                if (nodes.Length != nearest[v] + 1)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: {nodes.Length} nodes, distance {nearest[v]}"));
                }

                if (nodes[^1] != v || nodes[0] != root.Node)
                {
                    problems.Add(where + ": the path does not run from the root object to the node");
                }

                for (int i = 0; i + 1 < nodes.Length; i++)
                {
                    if (!graph.References(nodes[i]).Contains(nodes[i + 1]))
                    {
                        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: {nodes[i]} does not reference {nodes[i + 1]}"));
                    }
                }

                if (root != graph.Roots[expectedRoot])
                {
                    problems.Add($"{where}: root {root}, expected {graph.Roots[expectedRoot]}");
                }

                if (paths.RootOf(v) != root)
                {
                    problems.Add($"{where}: RootOf {paths.RootOf(v)} differs from the path's root {root}");
                }
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void A_million_object_chain_has_a_million_long_path()
    {
        const int n = 1_000_000;
        HeapGraph graph = GraphFixtures.Chain(n, reversed: false);
        var paths = new RootPaths(graph);

        (HeapRoot root, int[] nodes) = Assert.NotNull(paths.PathTo(n - 1));
        Assert.Equal(RootKind.Stack, root.Kind);
        Assert.Equal(n, nodes.Length);
        Assert.Equal(0, nodes[0]);
        Assert.Equal(n - 1, nodes[^1]);
        Assert.Equal(root, paths.RootOf(n / 2));
    }

    /// <summary>Breadth-first distances from a set of start nodes; -1 where unreachable.</summary>
    private static int[] Distances(HeapGraph graph, int[] starts)
    {
        var distance = new int[graph.NodeCount];
        Array.Fill(distance, -1);
        var queue = new Queue<int>();
        foreach (int start in starts)
        {
            if (distance[start] < 0)
            {
                distance[start] = 0;
                queue.Enqueue(start);
            }
        }

        while (queue.TryDequeue(out int node))
        {
            foreach (int next in graph.References(node))
            {
                if (distance[next] < 0)
                {
                    distance[next] = distance[node] + 1;
                    queue.Enqueue(next);
                }
            }
        }

        return distance;
    }
}
