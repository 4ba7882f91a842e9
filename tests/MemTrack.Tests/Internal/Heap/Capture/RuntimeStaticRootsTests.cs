using MemTrack.Internal.Heap.Capture;
using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.Internal.Heap.Graph;

namespace MemTrack.Tests.Internal.Heap.Capture;

/// <summary>
/// <see cref="RuntimeStaticRoots"/> on hand-built graphs, with metadata declarations whose tokens resolve to nothing:
/// every name here is built from names alone (no type is loaded or instantiated).
/// </summary>
public sealed class RuntimeStaticRootsTests
{
    private const string ObjectArray = "System.Object[]";

    private static readonly Func<string, Type?> NoTypes = _ => null;

    [Fact]
    public void A_users_strong_handle_to_an_array_holding_a_statics_object_is_not_the_statics_table()
    {
        // GCHandle.Alloc(new object[] { s_list, x }): an object[] behind a strong handle with a static's object in it.
        var g = new Builder();
        int list = g.Node("System.Collections.Generic.List`1[System.Int32]");
        int other = g.Node("Ns.Thing");
        int array = g.Node(ObjectArray, list, other);
        g.Root(list, RootKind.StaticField, "Ns.Holder.s_list");
        g.Root(array, RootKind.StrongHandle, "strong handle");

        HeapGraph named = RuntimeStaticRoots.Name(g.Build(), [], NoTypes);

        Assert.Contains(named.Roots, r => r.Node == array && r.Kind == RootKind.StrongHandle && r.Name == "strong handle");
    }

    [Fact]
    public void A_bucket_of_type_objects_strings_and_mostly_statics_objects_is_the_statics_table()
    {
        var g = new Builder();
        int[] held = [g.Node("Ns.A"), g.Node("Ns.B"), g.Node("Ns.C")];
        int array = g.Node(ObjectArray, [.. held, g.Node("System.RuntimeType"), g.Node("System.String")]);
        foreach (int node in held)
        {
            g.Root(node, RootKind.StaticField, "Ns.Holder.s_" + node);
        }

        g.Root(array, RootKind.StrongHandle, "strong handle");

        HeapGraph named = RuntimeStaticRoots.Name(g.Build(), [], NoTypes);

        Assert.Contains(named.Roots, r => r.Node == array && r.Name == RuntimeStaticRoots.StaticsTable);
    }

    [Fact]
    public void A_generic_static_lists_the_frameworks_candidates_next_to_the_users()
    {
        // List<T>.s_emptyArray (a T[]) is in the table for every T in use; a user's generic static T[] is no better a guess.
        var framework = new StaticFieldIndex(typeof(object).Assembly, isOwnAssembly: false, isFramework: true);
        var user = new StaticFieldIndex(typeof(RuntimeStaticRootsTests).Assembly, isOwnAssembly: false, isFramework: false);
        framework.GenericFields.Add(new StaticFieldDeclaration(framework, "System.Collections.Generic.List`1", "s_emptyArray", "!0[]", 0, isThreadStatic: false));
        user.GenericFields.Add(new StaticFieldDeclaration(user, "Ns.MyPool`1", "s_items", "!0[]", 0, isThreadStatic: false));
        (Builder g, int orders) = Table("Ns.Order[]");

        HeapGraph named = RuntimeStaticRoots.Name(g.Build(), [framework, user], NoTypes);

        HeapRoot root = Assert.Single(named.Roots, r => r.Node == orders);
        Assert.Equal(RootKind.StaticField, root.Kind);
        Assert.Equal("one of: Ns.MyPool`1[Ns.Order].s_items, System.Collections.Generic.List`1[Ns.Order].s_emptyArray", root.Name);
    }

    [Fact]
    public void A_generic_static_is_named_by_an_instantiation_built_from_names()
    {
        var user = new StaticFieldIndex(typeof(RuntimeStaticRootsTests).Assembly, isOwnAssembly: false, isFramework: false);
        user.GenericFields.Add(new StaticFieldDeclaration(user, "Ns.Outer`1+Registry`1", "s_items", "System.Collections.Generic.Dictionary`2[!0,!1]", 0, isThreadStatic: false));
        (Builder g, int dictionary) = Table("System.Collections.Generic.Dictionary`2[Ns.Key,Ns.Value]");

        HeapGraph named = RuntimeStaticRoots.Name(g.Build(), [user], NoTypes);

        Assert.Equal("Ns.Outer`1+Registry`1[Ns.Key,Ns.Value].s_items", Assert.Single(named.Roots, r => r.Node == dictionary).Name);
    }

    [Fact]
    public void A_local_array_of_arrays_of_objects_of_unknown_types_is_not_thread_static_storage()
    {
        var index = ThreadStatics(("Ns.Statics", "t_list", "System.Collections.Generic.List`1[Ns.Item]"));
        var g = new Builder();
        int storage = g.Node(ObjectArray, g.Node("Ns.Unknown"), g.Node("Ns.Other"));
        int local = g.Node(ObjectArray, storage);
        g.Root(local, RootKind.Stack, "thread stack");

        HeapGraph named = RuntimeStaticRoots.Name(g.Build(), [index], NoTypes);

        Assert.Contains(named.Roots, r => r.Node == local && r.Name == "thread stack");
        Assert.DoesNotContain(named.Roots, r => r.Kind == RootKind.ThreadStaticField);
    }

    [Fact]
    public void A_stack_array_is_thread_static_storage_only_when_every_storage_array_matches()
    {
        var index = ThreadStatics(("Ns.Statics", "t_list", "System.Collections.Generic.List`1[Ns.Item]"));
        var g = new Builder();
        int list = g.Node("System.Collections.Generic.List`1[Ns.Item]");
        int matching = g.Node(ObjectArray, list);
        int unmatched = g.Node(ObjectArray, g.Node("Ns.Unknown"));
        int mixed = g.Node(ObjectArray, matching, unmatched);
        int storage = g.Node(ObjectArray, matching);
        g.Root(mixed, RootKind.Stack, "thread stack");
        g.Root(storage, RootKind.Stack, "thread stack");

        HeapGraph named = RuntimeStaticRoots.Name(g.Build(), [index], NoTypes);

        Assert.Contains(named.Roots, r => r.Node == mixed && r.Name == "thread stack");
        Assert.Contains(named.Roots, r => r.Node == storage && r.Name == RuntimeStaticRoots.ThreadStaticStorage);
        Assert.Equal("Ns.Statics.t_list", Assert.Single(named.Roots, r => r.Kind == RootKind.ThreadStaticField && r.Node == list).Name);
    }

    [Fact]
    public void Storage_that_only_object_fields_could_hold_is_not_evidence_of_thread_statics()
    {
        var index = ThreadStatics(("Ns.Statics", "t_any", "System.Object"), ("Ns.Statics", "t_other", "System.Object"));
        var g = new Builder();
        int storage = g.Node(ObjectArray, g.Node("Ns.Unknown"));
        int local = g.Node(ObjectArray, storage);
        g.Root(local, RootKind.Stack, "thread stack");

        HeapGraph named = RuntimeStaticRoots.Name(g.Build(), [index], NoTypes);

        Assert.Contains(named.Roots, r => r.Node == local && r.Name == "thread stack");
    }

    /// <summary>A statics table (type object, string, named statics) holding one unnamed object of <paramref name="typeName"/>.</summary>
    private static (Builder Graph, int Node) Table(string typeName)
    {
        var g = new Builder();
        int target = g.Node(typeName);
        int[] held = [g.Node("Ns.A"), g.Node("Ns.B"), g.Node("Ns.C"), g.Node("Ns.D")];
        int array = g.Node(ObjectArray, [target, .. held, g.Node("System.RuntimeType"), g.Node("System.String")]);
        foreach (int node in held)
        {
            g.Root(node, RootKind.StaticField, "Ns.Holder.s_" + node);
        }

        g.Root(array, RootKind.StrongHandle, "strong handle");
        return (g, target);
    }

    private static StaticFieldIndex ThreadStatics(params (string DeclaringType, string Name, string FieldType)[] fields)
    {
        var index = new StaticFieldIndex(typeof(RuntimeStaticRootsTests).Assembly, isOwnAssembly: false, isFramework: false);
        foreach ((string declaringType, string name, string fieldType) in fields)
        {
            index.ThreadStaticFields.Add(new StaticFieldDeclaration(index, declaringType, name, fieldType, 0, isThreadStatic: true));
        }

        return index;
    }

    /// <summary>A small graph by node: type name and references.</summary>
    private sealed class Builder
    {
        private readonly List<string> _typeNames = [];
        private readonly List<int> _types = [];
        private readonly List<int[]> _references = [];
        private readonly List<HeapRoot> _roots = [];

        public int Node(string typeName, params int[] references)
        {
            int type = _typeNames.IndexOf(typeName);
            if (type < 0)
            {
                type = _typeNames.Count;
                _typeNames.Add(typeName);
            }

            _types.Add(type);
            _references.Add(references);
            return _types.Count - 1;
        }

        public void Root(int node, RootKind kind, string name) => _roots.Add(new HeapRoot(node, kind, name));

        public HeapGraph Build() =>
            GraphFixtures.Create([.. _types.Select(_ => 24L)], [.. _types], [.. _typeNames], [.. _references], _roots);
    }
}
