using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.Internal.Heap.Export;

namespace MemTrack.Tests.Internal.Heap.Graph;

public sealed class OwnObjectsTests
{
    /// <summary>Type index of a user type.</summary>
    private const int U = 0;

    /// <summary>Type index of one of MemTrack's own types.</summary>
    private const int O = 1;

    [Fact]
    public void Objects_held_only_by_an_own_object_are_own_even_when_a_user_root_holds_the_own_object()
    {
        // A user's stack slot holds an earlier capture (own type) whose arrays (user types) only it references.
        HeapGraph graph = Create(
            [O, U, U, U],
            [[1, 2], [2], [], []],
            new HeapRoot(0, RootKind.Stack, "thread stack"),
            new HeapRoot(3, RootKind.StaticField, "MyApp.Cache.s_items"));

        Assert.Equal([0, 1, 2], OwnNodes(graph));
    }

    [Fact]
    public void An_object_reachable_from_a_user_root_and_from_an_own_object_is_not_own()
    {
        // The user's list and the tracer both reference item 1; the tracer's own table 3 only it references.
        HeapGraph graph = Create(
            [U, U, O, U, U],
            [[1], [], [1, 3], [4], []],
            new HeapRoot(0, RootKind.StaticField, "MyApp.Cache.s_items"),
            new HeapRoot(2, RootKind.StrongHandle, "strong handle"));

        Assert.Equal([2, 3, 4], OwnNodes(graph));
    }

    [Fact]
    public void What_an_own_static_field_holds_is_own_although_the_runtime_statics_array_references_it_too()
    {
        // The runtime's statics array (0, behind a strong handle) references every static value: the user static's
        // list (2) and MemTrack's cache (1, a user type: Dictionary<ulong, string>) with its entries (3, 4).
        HeapGraph graph = Create(
            [U, U, U, U, U],
            [[1, 2], [3], [], [4], []],
            new HeapRoot(0, RootKind.StrongHandle, "strong handle"),
            new HeapRoot(1, RootKind.StaticField, "MemTrack.Internal.Heap.Capture.HeapDumpSession.KnownModules", IsOwn: true),
            new HeapRoot(2, RootKind.StaticField, "MyApp.Cache.s_items"));

        Assert.Equal([1, 3, 4], OwnNodes(graph));
    }

    [Fact]
    public void An_own_static_field_object_that_a_user_root_also_holds_directly_is_shared()
    {
        HeapGraph graph = Create(
            [U, U],
            [[1], []],
            new HeapRoot(0, RootKind.StaticField, "MemTrack.Internal.Decoding.FrameResolver.RuntimeDirectory", IsOwn: true),
            new HeapRoot(0, RootKind.StaticField, "MyApp.Paths.s_runtime"));

        Assert.Empty(OwnNodes(graph));
    }

    [Fact]
    public void User_typed_objects_reachable_only_through_an_own_object_are_own()
    {
        // User root 0 -> own 1 -> user-typed 2 <-> 3 (a cycle); user root 4 -> user 5 (unrelated).
        HeapGraph graph = Create(
            [U, O, U, U, U, U],
            [[1], [2], [3], [2], [5], []],
            new HeapRoot(0, RootKind.StaticField, "MyApp.Holder.s_snapshot"),
            new HeapRoot(4, RootKind.Stack, "thread stack"));

        Assert.Equal([1, 2, 3], OwnNodes(graph));
    }

    [Fact]
    public void An_own_typed_object_is_own_even_when_a_user_object_also_holds_it_but_what_else_the_user_holds_is_not()
    {
        // User 0 holds own 1 and user 2; own 1 also references 2, which the user therefore shares.
        HeapGraph graph = Create(
            [U, O, U],
            [[1, 2], [2], []],
            new HeapRoot(0, RootKind.StaticField, "MyApp.Holder.s_state"));

        Assert.Equal([1], OwnNodes(graph));
    }

    [Fact]
    public void Unreached_objects_of_user_types_stay_non_own_and_unreached_own_typed_ones_are_own()
    {
        // 0 and 1 are reached by nothing (1 references the rooted 2); 3 is an unreached own object holding 4.
        HeapGraph graph = Create(
            [U, U, U, O, U],
            [[], [2], [], [4], []],
            new HeapRoot(2, RootKind.Stack, "thread stack"));

        Assert.Equal([3, 4], OwnNodes(graph));
    }

    [Fact]
    public void Without_own_types_or_roots_nothing_is_own_and_the_result_is_cached()
    {
        HeapGraph graph = TestGraph.CreateSample().Graph;
        Assert.Equal(graph.NodeCount, graph.IsOwn.Length);
        Assert.DoesNotContain(true, graph.IsOwn);
        Assert.Same(graph.IsOwn, graph.IsOwn);
        Assert.Empty(new HeapGraph([], [], [], [], [0], [], []).IsOwn);
    }

    [Fact]
    public void The_own_type_flags_must_match_the_type_names()
    {
        Assert.Equal("ownTypes", Assert.Throws<ArgumentException>(() => new HeapGraph([], [], [], ["A", "B"], [0], [], [], ownTypes: [true])).ParamName);
    }

    [Fact]
    public void Retained_size_by_type_leaves_own_objects_out()
    {
        // User 0 (24 B) holds user-typed 1; own 2 holds user-typed 3 and 4 (a chain). Sizes are 24 B each.
        HeapGraph graph = Create(
            [U, U, O, U, U],
            [[1], [], [3], [4], []],
            new HeapRoot(0, RootKind.StaticField, "MyApp.Cache.s_items"),
            new HeapRoot(2, RootKind.StrongHandle, "strong handle"));

        Assert.Equal([2, 3, 4], OwnNodes(graph));
        Assert.Equal(24 * 3, graph.Dominators.RetainedSize(2));
        Assert.Equal([48L, 0], graph.Dominators.RetainedSizeByType());
    }

    [Fact]
    public void A_million_object_chain_under_an_own_static_is_marked_without_recursion()
    {
        const int n = 1_000_000;
        HeapGraph chain = GraphFixtures.Chain(n, reversed: false);
        var graph = new HeapGraph(
            chain.Addresses, chain.Sizes, chain.Types, chain.TypeNames, chain.EdgeStart, chain.EdgeTargets,
            [new HeapRoot(0, RootKind.StaticField, "MemTrack.Cache.s_chain", IsOwn: true), new HeapRoot(n - 1, RootKind.Stack, "thread stack")],
            ownTypes: [false, false]);

        bool[] own = graph.IsOwn;
        Assert.Equal(n - 1, own.Count(o => o));
        Assert.False(own[n - 1]);
    }

    [Fact]
    public void Random_graphs_match_the_definition()
    {
        var random = new Random(4242);
        for (int round = 0; round < 300; round++)
        {
            HeapGraph plain = GraphFixtures.Random(random, rootsWithoutReferrers: false);
            bool[] ownTypes = [.. plain.TypeNames.Select(_ => random.Next(3) == 0)];
            HeapRoot[] roots = [.. plain.Roots.Select(r => r with { IsOwn = random.Next(3) == 0 })];
            var graph = new HeapGraph(plain.Addresses, plain.Sizes, plain.Types, plain.TypeNames, plain.EdgeStart, plain.EdgeTargets, roots, ownTypes);

            Assert.Equal(NaiveOwn(graph), graph.IsOwn);
        }
    }

    private static HeapGraph Create(int[] types, int[][] references, params HeapRoot[] roots) =>
        GraphFixtures.Create(
            [.. types.Select(_ => 24L)],
            types,
            ["MyApp.Order", "MemTrack.Internal.Tracer"],
            references,
            roots,
            ownTypes: [false, true]);

    private static int[] OwnNodes(HeapGraph graph) => [.. Enumerable.Range(0, graph.NodeCount).Where(n => graph.IsOwn[n])];

    /// <summary>
    /// The definition, one start at a time: an object is the user's when a root that is not own reaches it by a
    /// path that enters no seed (an own-typed object or an own static's object); it is own when it is not the
    /// user's and a seed that is not the user's reaches it through objects that are not the user's.
    /// </summary>
    private static bool[] NaiveOwn(HeapGraph graph)
    {
        int n = graph.NodeCount;
        var seed = new bool[n];
        for (int node = 0; node < n; node++)
        {
            seed[node] = graph.OwnTypes[graph.Types[node]] || graph.Roots.Any(r => r.IsOwn && r.Node == node);
        }

        var user = new bool[n];
        foreach (HeapRoot root in graph.Roots.Where(r => !r.IsOwn && !graph.OwnTypes[graph.Types[r.Node]]))
        {
            foreach (int node in Reach(graph, root.Node, enter: child => !seed[child]))
            {
                user[node] = true;
            }
        }

        var own = new bool[n];
        for (int start = 0; start < n; start++)
        {
            if (seed[start] && !user[start])
            {
                foreach (int node in Reach(graph, start, enter: child => !user[child]))
                {
                    own[node] = true;
                }
            }
        }

        return own;
    }

    private static HashSet<int> Reach(HeapGraph graph, int start, Func<int, bool> enter)
    {
        var seen = new HashSet<int> { start };
        var pending = new Stack<int>([start]);
        while (pending.TryPop(out int node))
        {
            foreach (int child in graph.References(node))
            {
                if (enter(child) && seen.Add(child))
                {
                    pending.Push(child);
                }
            }
        }

        return seen;
    }
}
