using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.Internal.Heap.Graph;

namespace MemTrack.Tests.Internal.Heap.Export;

/// <summary>Builds small heap graphs by hand: nodes get ascending addresses in the order they are added.</summary>
internal sealed class TestGraph
{
    private readonly List<string> _typeNames = [];
    private readonly Dictionary<string, int> _typeIds = [];
    private readonly List<int> _types = [];
    private readonly List<long> _sizes = [];
    private readonly List<List<int>> _references = [];
    private readonly List<HeapRoot> _roots = [];

    public int Add(string typeName, long size = 24)
    {
        if (!_typeIds.TryGetValue(typeName, out int type))
        {
            type = _typeNames.Count;
            _typeIds.Add(typeName, type);
            _typeNames.Add(typeName);
        }

        _types.Add(type);
        _sizes.Add(size);
        _references.Add([]);
        return _types.Count - 1;
    }

    public TestGraph Ref(int from, params int[] to)
    {
        _references[from].AddRange(to);
        return this;
    }

    public TestGraph Root(int node, RootKind kind, string name)
    {
        _roots.Add(new HeapRoot(node, kind, name));
        return this;
    }

    public HeapGraph Build() => GraphFixtures.Create([.. _sizes], [.. _types], [.. _typeNames], _references, _roots);

    /// <summary>
    /// The sample heap: static root -> List -> array -> 3 orders; two orders share a customer; the third is in a
    /// cycle with its line; a strong handle holds an object[] that also references an order; an unreachable object
    /// references the first order; one type name has a quote and a backslash.
    /// </summary>
    public static Sample CreateSample()
    {
        var g = new TestGraph();
        var s = new Sample
        {
            List = g.Add("System.Collections.Generic.List`1[MyApp.Order]", 32),
            Array = g.Add("MyApp.Order[]", 56),
            Order1 = g.Add("MyApp.Order", 40),
            Order2 = g.Add("MyApp.Order", 40),
            Order3 = g.Add("MyApp.Order", 40),
            Customer = g.Add("MyApp.Outer+Customer", 48),
            Line = g.Add("MyApp.OrderLine", 24),
            Handle = g.Add("System.Object[]", 40),
            Garbage = g.Add("MyApp.Weird\"Name\\Back", 24),
        };
        g.Ref(s.List, s.Array)
            .Ref(s.Array, s.Order1, s.Order2, s.Order3)
            .Ref(s.Order1, s.Customer)
            .Ref(s.Order2, s.Customer)
            .Ref(s.Order3, s.Line)
            .Ref(s.Line, s.Order3)
            .Ref(s.Handle, s.Order2)
            .Ref(s.Garbage, s.Order1)
            .Root(s.List, RootKind.StaticField, "MyApp.Cache.s_items")
            .Root(s.Handle, RootKind.StrongHandle, "strong handle")
            .Root(s.Handle, RootKind.Stack, "thread stack")
            .Root(s.Handle, RootKind.Stack, "thread stack");
        s.Graph = g.Build();
        return s;
    }

    internal sealed class Sample
    {
        public HeapGraph Graph { get; set; } = null!;

        public int List { get; init; }

        public int Array { get; init; }

        public int Order1 { get; init; }

        public int Order2 { get; init; }

        public int Order3 { get; init; }

        public int Customer { get; init; }

        public int Line { get; init; }

        public int Handle { get; init; }

        public int Garbage { get; init; }
    }
}
