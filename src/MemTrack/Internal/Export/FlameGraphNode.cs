namespace MemTrack.Internal.Export;

/// <summary>One box of a flame graph: a name on a path from the root, with the bytes of every stack through it.</summary>
internal sealed class FlameGraphNode(string name, bool isType)
{
    private readonly SortedDictionary<string, FlameGraphNode> _children = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    /// <summary>Whether the node is an allocated type (a leaf) rather than a frame.</summary>
    public bool IsType { get; } = isType;

    public long Value { get; private set; }

    /// <summary>The children, ordered by name (ordinal) as flamegraph.pl orders them.</summary>
    public IEnumerable<FlameGraphNode> Children => _children.Values;

    /// <summary>The root of the graph of <paramref name="stacks"/>, named <c>all</c>, with the bytes of <paramref name="kind"/>.</summary>
    public static FlameGraphNode Build(IReadOnlyList<FoldedStack> stacks, MemoryKind kind)
    {
        var root = new FlameGraphNode("all", isType: false);
        foreach (FoldedStack stack in stacks)
        {
            long value = stack.Bytes(kind);
            FlameGraphNode node = root;
            node.Value += value;
            string[] path = [.. stack.Path()];
            for (int i = 0; i < path.Length; i++)
            {
                node = node.Child(path[i], isType: i == path.Length - 1);
                node.Value += value;
            }
        }

        return root;
    }

    private FlameGraphNode Child(string childName, bool isType)
    {
        if (!_children.TryGetValue(childName, out FlameGraphNode? child))
        {
            child = new FlameGraphNode(childName, isType);
            _children.Add(childName, child);
        }

        return child;
    }
}
