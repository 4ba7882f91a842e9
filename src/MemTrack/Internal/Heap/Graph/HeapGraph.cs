namespace MemTrack.Internal.Heap.Graph;

/// <summary>
/// The object graph of one heap capture, in flat arrays (no object per node): nodes sorted by address, outgoing
/// references in compressed sparse rows, and the GC roots. Analyses built on it (dominators, root paths, MemTrack's
/// own objects) are computed on first use and cached; the graph itself is immutable.
/// </summary>
internal sealed class HeapGraph
{
    private readonly Lock _gate = new();
    private DominatorTree? _dominators;
    private RootPaths? _rootPaths;
    private bool[]? _isOwn;
    private TypeNamePattern?[]? _typePatterns;

    /// <summary>A graph over the given arrays; <c>ownTypes</c> flags the types of <see cref="OwnTypes"/>, null when none is own.</summary>
    public HeapGraph(ulong[] addresses, long[] sizes, int[] types, string[] typeNames, int[] edgeStart, int[] edgeTargets, HeapRoot[] roots, bool[]? ownTypes = null)
    {
        if (ownTypes is not null && ownTypes.Length != typeNames.Length)
        {
            throw new ArgumentException("One own-type flag per type name is needed.", nameof(ownTypes));
        }

        Addresses = addresses;
        Sizes = sizes;
        Types = types;
        TypeNames = typeNames;
        OwnTypes = ownTypes ?? new bool[typeNames.Length];
        EdgeStart = edgeStart;
        EdgeTargets = edgeTargets;

        // The runtime reports one object many times from the same kind of root (a stack root per frame that holds
        // it): identical roots are kept once. Most precisely named kinds first, so the breadth-first search of root
        // paths prefers a static field over a stack slot that holds the same object; the sort is stable.
        Roots = [.. roots.Distinct().OrderBy(r => r.Kind)];
        IsRooted = new bool[addresses.Length];
        foreach (HeapRoot root in Roots)
        {
            IsRooted[root.Node] = true;
        }

        long total = 0;
        foreach (long size in sizes)
        {
            total += size;
        }

        TotalSize = total;
    }

    public int NodeCount => Addresses.Length;

    /// <summary>The same graph (its arrays shared) with other roots: the capture's roots named more precisely, or added.</summary>
    public HeapGraph WithRoots(HeapRoot[] roots) => new(Addresses, Sizes, Types, TypeNames, EdgeStart, EdgeTargets, roots, OwnTypes);

    public int EdgeCount => EdgeTargets.Length;

    public long TotalSize { get; }

    /// <summary>Object addresses, ascending.</summary>
    public ulong[] Addresses { get; }

    public long[] Sizes { get; }

    /// <summary>Index into <see cref="TypeNames"/> per node.</summary>
    public int[] Types { get; }

    public string[] TypeNames { get; }

    /// <summary>
    /// Per type index: defined in MemTrack or a library it runs on (TraceEvent, NETCore.Client), or an array or
    /// generic instantiation of such a type.
    /// </summary>
    public bool[] OwnTypes { get; }

    /// <summary>Node i references <c>EdgeTargets[EdgeStart[i] .. EdgeStart[i + 1]]</c>; length NodeCount + 1.</summary>
    public int[] EdgeStart { get; }

    public int[] EdgeTargets { get; }

    /// <summary>The distinct roots, most precisely named kinds first (<see cref="RootKind"/> order).</summary>
    public HeapRoot[] Roots { get; }

    /// <summary>Per node: whether some root holds it.</summary>
    public bool[] IsRooted { get; }

    public DominatorTree Dominators
    {
        get
        {
            lock (_gate)
            {
                return _dominators ??= new DominatorTree(this);
            }
        }
    }

    public RootPaths RootPaths
    {
        get
        {
            lock (_gate)
            {
                return _rootPaths ??= new RootPaths(this);
            }
        }
    }

    /// <summary>Per node: whether the object is MemTrack's own, held only through its objects (see <see cref="OwnObjects"/>).</summary>
    public bool[] IsOwn
    {
        get
        {
            lock (_gate)
            {
                return _isOwn ??= OwnObjects.Mark(this);
            }
        }
    }

    public ReadOnlySpan<int> References(int node) => EdgeTargets.AsSpan(EdgeStart[node], EdgeStart[node + 1] - EdgeStart[node]);

    public string TypeName(int node) => TypeNames[Types[node]];

    /// <summary>A mask over <see cref="TypeNames"/>: true at each of <paramref name="typeIndices"/>.</summary>
    public bool[] TypeMask(int[] typeIndices)
    {
        bool[] mask = new bool[TypeNames.Length];
        foreach (int t in typeIndices)
        {
            mask[t] = true;
        }

        return mask;
    }

    /// <summary>The index of <paramref name="typeName"/> in <see cref="TypeNames"/>, or -1.</summary>
    public int TypeIndexOf(string typeName) => Array.IndexOf(TypeNames, typeName);

    /// <summary>
    /// The indices in <see cref="TypeNames"/> of every type <paramref name="name"/> names, in any spelling
    /// <see cref="TypeNamePattern"/> reads (a name without namespace or outer types names every type whose name ends so); a name it
    /// cannot read matches only itself.
    /// </summary>
    public int[] TypeIndicesMatching(string name)
    {
        if (TypeNamePattern.Parse(name) is not TypeNamePattern pattern)
        {
            int exact = TypeIndexOf(name);
            return exact < 0 ? [] : [exact];
        }

        TypeNamePattern?[] types;
        lock (_gate)
        {
            types = _typePatterns ??= [.. TypeNames.Select(TypeNamePattern.Parse)];
        }

        var matches = new List<int>();
        for (int t = 0; t < types.Length; t++)
        {
            if (types[t] is TypeNamePattern type ? pattern.Matches(type) : TypeNames[t] == name)
            {
                matches.Add(t);
            }
        }

        return [.. matches];
    }

    /// <summary>
    /// Breadth-first from the first <paramref name="tail"/> nodes of <paramref name="queue"/> (already marked), marking
    /// in <paramref name="marked"/> every node reached without entering a <paramref name="blocked"/> one. The queue
    /// needs room for every node. With <paramref name="origin"/>, each node reached inherits the origin of the node it
    /// was first reached from (which root holds it, for example).
    /// </summary>
    public void MarkReachable(int[] queue, int tail, bool[] marked, bool[] blocked, int[]? origin = null)
    {
        for (int head = 0; head < tail; head++)
        {
            int node = queue[head];
            foreach (int child in References(node))
            {
                if (!marked[child] && !blocked[child])
                {
                    marked[child] = true;
                    queue[tail++] = child;
                    if (origin is not null)
                    {
                        origin[child] = origin[node];
                    }
                }
            }
        }
    }

    /// <summary>The node at exactly <paramref name="address"/>, or -1.</summary>
    public int IndexOf(ulong address) => AddressIndex.Of(Addresses, address);
}
