using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Tests.Internal.Heap.Graph;

public sealed class HeapGraphBuilderTests
{
    private const ulong TypeA = 0xA0;
    private const ulong TypeB = 0xB0;

    private static readonly Func<string, string, (string Name, bool IsOwn)> StaticName = (field, typeName) => (field + " : " + typeName, false);

    [Fact]
    public void Nodes_streamed_out_of_address_order_come_out_sorted_with_their_data()
    {
        var builder = new HeapGraphBuilder();
        builder.AddType(TypeA, "A");
        builder.AddType(TypeB, "B");
        builder.AddNode(0x300, 30, TypeA, 2);
        builder.AddEdge(0x100);
        builder.AddEdge(0x200);
        builder.AddNode(0x100, 10, TypeB, 1);
        builder.AddEdge(0x300);
        builder.AddNode(0x200, 20, TypeA, 0);
        builder.AddNode(0x400, 40, TypeB, 3);
        builder.AddEdge(0x400);
        builder.AddEdge(0x200);
        builder.AddEdge(0x200);
        Assert.Equal(4, builder.NodeCount);
        Assert.Equal(6, builder.EdgeCount);

        HeapGraph graph = builder.Build(StaticName);

        Assert.Equal([0x100UL, 0x200, 0x300, 0x400], graph.Addresses);
        Assert.Equal([10L, 20, 30, 40], graph.Sizes);
        Assert.Equal(["B", "A", "A", "B"], Enumerable.Range(0, 4).Select(graph.TypeName));
        Assert.Equal(100, graph.TotalSize);
        Assert.Equal([2], graph.References(0).ToArray());
        Assert.Empty(graph.References(1).ToArray());
        Assert.Equal([0, 1], graph.References(2).ToArray());
        Assert.Equal([3, 1, 1], graph.References(3).ToArray());
        Assert.Equal([0, 1, 1, 3, 6], graph.EdgeStart);
        Assert.Equal(0, builder.ExternalReferences);
        Assert.Empty(graph.Roots);
        Assert.Equal(2, graph.IndexOf(0x300));
        Assert.Equal(-1, graph.IndexOf(0x301));
    }

    [Fact]
    public void References_to_objects_outside_the_dump_are_dropped_and_counted()
    {
        var builder = new HeapGraphBuilder();
        builder.AddType(TypeA, "A");
        builder.AddNode(0x200, 16, TypeA, 3);
        builder.AddEdge(0x999);
        builder.AddEdge(0x100);
        builder.AddEdge(0x208);
        builder.AddNode(0x100, 16, TypeA, 2);
        builder.AddEdge(0x200);
        builder.AddEdge(0);

        HeapGraph graph = builder.Build(StaticName);

        Assert.Equal(3, builder.ExternalReferences);
        Assert.Equal([1], graph.References(0).ToArray());
        Assert.Equal([0], graph.References(1).ToArray());
        Assert.Equal(2, graph.EdgeCount);
    }

    [Fact]
    public void A_dependent_handle_adds_a_reference_from_its_key_to_its_value()
    {
        var builder = new HeapGraphBuilder();
        builder.AddType(TypeA, "A");
        builder.AddNode(0x300, 8, TypeA, 1);
        builder.AddEdge(0x100);
        builder.AddNode(0x100, 8, TypeA, 0);
        builder.AddNode(0x200, 8, TypeA, 0);
        builder.AddDependent(0x300, 0x200);
        builder.AddDependent(0x100, 0x300);
        builder.AddDependent(0x100, 0x200);
        builder.AddDependent(0x100, 0x999);
        builder.AddDependent(0x999, 0x100);
        builder.AddRoot(0x300, RootKind.Stack, "stack");

        HeapGraph graph = builder.Build(StaticName);

        Assert.Equal([1, 2], graph.References(0).ToArray().Order());
        Assert.Empty(graph.References(1).ToArray());
        Assert.Equal([0, 1], graph.References(2).ToArray());
        Assert.Equal(0, builder.ExternalReferences);

        // The values are now held by the rooted key.
        var tree = new DominatorTree(graph);
        Assert.Equal(2, tree.ImmediateDominator(0));
        Assert.Equal(2, tree.ImmediateDominator(1));
    }

    [Fact]
    public void Static_roots_are_named_from_the_field_and_the_type_of_the_object_held_and_keep_whether_they_are_own()
    {
        var builder = new HeapGraphBuilder();
        builder.AddType(TypeA, "MyApp.Order");
        builder.AddType(TypeB, "MyApp.Cache");
        builder.AddNode(0x100, 16, TypeB, 0);
        builder.AddNode(0x200, 16, TypeA, 0);
        var calls = new List<(string Field, string TypeName)>();
        builder.AddStaticRoot(0x200, "s_order", threadLocal: false);
        builder.AddStaticRoot(0x100, "t_cache", threadLocal: true);

        builder.AddRoot(0x100, RootKind.StrongHandle, "strong handle");

        HeapGraph graph = builder.Build((field, typeName) =>
        {
            calls.Add((field, typeName));
            return ("named " + field, field == "t_cache");
        });

        Assert.Equal([("s_order", "MyApp.Order"), ("t_cache", "MyApp.Cache")], calls);
        Assert.Equal(
            [
                new HeapRoot(1, RootKind.StaticField, "named s_order", IsOwn: false),
                new HeapRoot(0, RootKind.ThreadStaticField, "named t_cache", IsOwn: true),
                new HeapRoot(0, RootKind.StrongHandle, "strong handle", IsOwn: false),
            ],
            graph.Roots);
        Assert.Equal(0, builder.UnresolvedRoots);
    }

    [Fact]
    public void Roots_resolve_interior_pointers_to_the_containing_object_and_count_the_unresolved()
    {
        var builder = new HeapGraphBuilder();
        builder.AddType(TypeA, "A");
        builder.AddNode(0x200, 0x20, TypeA, 0);
        builder.AddNode(0x100, 0x10, TypeA, 0);
        builder.AddRoot(0x100, RootKind.Stack, "exact");
        builder.AddRoot(0x10F, RootKind.Stack, "last byte");
        builder.AddRoot(0x208, RootKind.PinnedHandle, "interior");
        builder.AddRoot(0x110, RootKind.Stack, "just past the end");
        builder.AddRoot(0x0FF, RootKind.Stack, "just before");
        builder.AddRoot(0x999, RootKind.StrongHandle, "unknown");
        builder.AddStaticRoot(0x998, "s_unknown", threadLocal: false);

        HeapGraph graph = builder.Build(StaticName);

        Assert.Equal(
            [
                new HeapRoot(1, RootKind.PinnedHandle, "interior"),
                new HeapRoot(0, RootKind.Stack, "exact"),
                new HeapRoot(0, RootKind.Stack, "last byte"),
            ],
            graph.Roots);
        Assert.Equal(4, builder.UnresolvedRoots);
    }

    [Fact]
    public void Roots_are_ordered_by_kind_keeping_the_stream_order_within_a_kind()
    {
        var builder = new HeapGraphBuilder();
        builder.AddType(TypeA, "A");
        builder.AddNode(0x100, 8, TypeA, 0);
        builder.AddRoot(0x100, RootKind.Other, "other");
        builder.AddRoot(0x100, RootKind.Stack, "stack 1");
        builder.AddRoot(0x100, RootKind.FinalizerQueue, "finalizer");
        builder.AddRoot(0x100, RootKind.Stack, "stack 2");
        builder.AddRoot(0x100, RootKind.StrongHandle, "handle");
        builder.AddStaticRoot(0x100, "t_field", threadLocal: true);
        builder.AddStaticRoot(0x100, "s_field", threadLocal: false);

        HeapGraph graph = builder.Build(StaticName);

        Assert.Equal(
            ["s_field : A", "t_field : A", "handle", "finalizer", "stack 1", "stack 2", "other"],
            graph.Roots.Select(r => r.Name));
        Assert.Equal(graph.Roots.Select(r => r.Kind).Order(), graph.Roots.Select(r => r.Kind));
    }

    [Fact]
    public void Types_without_a_name_are_named_by_their_id_and_equal_names_share_a_slot()
    {
        var builder = new HeapGraphBuilder();
        builder.AddType(TypeA, "Same");
        builder.AddType(TypeB, "Same");
        builder.AddType(0xC0, "");
        builder.AddType(0xD0, "Unused");
        builder.AddNode(0x100, 8, TypeA, 0);
        builder.AddNode(0x200, 8, 0x2a, 0);
        builder.AddNode(0x300, 8, TypeB, 0);
        builder.AddNode(0x400, 8, 0xC0, 0);

        HeapGraph graph = builder.Build(StaticName);

        Assert.Equal(["Same", "Type(0x2a)", "Same", "Type(0xc0)"], Enumerable.Range(0, 4).Select(graph.TypeName));
        Assert.Equal(graph.Types[0], graph.Types[2]);
        Assert.Equal(3, graph.TypeNames.Length);
        Assert.DoesNotContain("Unused", graph.TypeNames);
    }

    [Fact]
    public void Own_type_flags_follow_the_type_slots_and_a_name_shared_with_a_user_type_is_not_own()
    {
        var builder = new HeapGraphBuilder();
        builder.AddType(TypeA, "MemTrack.Trace", isOwn: true);
        builder.AddType(TypeB, "MyApp.Order");
        builder.AddType(0xC0, "Same", isOwn: true);
        builder.AddType(0xD0, "Same", isOwn: false);
        builder.AddType(0xE0, "Renamed", isOwn: true);
        builder.AddType(0xE0, "Renamed", isOwn: false);
        builder.AddNode(0x100, 8, TypeB, 0);
        builder.AddNode(0x200, 8, TypeA, 0);
        builder.AddNode(0x300, 8, 0xC0, 0);
        builder.AddNode(0x400, 8, 0xD0, 0);
        builder.AddNode(0x500, 8, 0xE0, 0);
        builder.AddNode(0x600, 8, TypeA, 0);

        HeapGraph graph = builder.Build(StaticName);

        Assert.Equal(["MyApp.Order", "MemTrack.Trace", "Same", "Renamed"], graph.TypeNames);
        Assert.Equal([false, true, false, false], graph.OwnTypes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Lost_references_make_the_dump_inconsistent(int received)
    {
        var builder = new HeapGraphBuilder();
        builder.AddType(TypeA, "A");
        builder.AddNode(0x100, 8, TypeA, 2);
        for (int i = 0; i < received; i++)
        {
            builder.AddEdge(0x100);
        }

        MemTrackException error = Assert.Throws<MemTrackException>(() => builder.Build(StaticName));
        Assert.Contains("BufferSizeMB", error.Message, StringComparison.Ordinal);
        Assert.Contains("2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_dump_is_an_empty_graph()
    {
        HeapGraph graph = new HeapGraphBuilder().Build(StaticName);

        Assert.Equal(0, graph.NodeCount);
        Assert.Equal([0], graph.EdgeStart);
        Assert.Empty(graph.Roots);
        Assert.Equal(0, new DominatorTree(graph).VirtualRoot);
        Assert.Empty(new DominatorTree(graph).RetainedSizeByType());
    }

    [Fact]
    public void A_random_stream_builds_the_same_graph_as_its_sorted_form()
    {
        var random = new Random(31337);
        for (int round = 0; round < 50; round++)
        {
            int n = random.Next(1, 80);
            ulong[] addresses = [.. Enumerable.Range(0, n).Select(i => 0x1000UL + ((ulong)i * 0x100) + (ulong)random.Next(0, 0x80))];
            int[] streamOrder = [.. Enumerable.Range(0, n).OrderBy(_ => random.Next())];
            var references = new List<ulong>[n];
            var builder = new HeapGraphBuilder();
            long external = 0;
            foreach (int i in streamOrder)
            {
                int degree = random.Next(0, 5);
                references[i] = [];
                builder.AddNode(addresses[i], 8 + i, (ulong)(i % 3), degree);
                for (int e = 0; e < degree; e++)
                {
                    ulong target = random.Next(4) == 0 ? 0xDEAD_0000UL + (ulong)e : addresses[random.Next(n)];
                    builder.AddEdge(target);
                    references[i].Add(target);
                    external += target >= 0xDEAD_0000UL ? 1 : 0;
                }
            }

            HeapGraph graph = builder.Build(StaticName);

            Assert.Equal(addresses, graph.Addresses);
            Assert.Equal(external, builder.ExternalReferences);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(8 + i, graph.Sizes[i]);
                Assert.Equal($"Type(0x{i % 3})", graph.TypeName(i));
                Assert.Equal(
                    references[i].Where(t => t < 0xDEAD_0000UL),
                    graph.References(i).ToArray().Select(t => graph.Addresses[t]));
            }
        }
    }
}
