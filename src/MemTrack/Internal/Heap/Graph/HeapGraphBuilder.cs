using System.Globalization;
using System.Runtime.InteropServices;
using MemTrack.Internal.Export;

namespace MemTrack.Internal.Heap.Graph;

/// <summary>
/// Collects a heap dump as the runtime streams it (nodes in heap-walk order, each followed in the edge stream by its
/// references, roots by address, types by id) and turns it into a <see cref="HeapGraph"/>: nodes sorted by address,
/// references and roots resolved to node indices. References to objects outside the dump (frozen string literals,
/// for example) are dropped and counted.
/// </summary>
internal sealed class HeapGraphBuilder
{
    private readonly Dictionary<ulong, string> _typeNames = [];
    private readonly HashSet<ulong> _ownTypes = [];
    private readonly List<ulong> _addresses = [];
    private readonly List<long> _sizes = [];
    private readonly List<ulong> _typeIds = [];
    private readonly List<int> _edgeCounts = [];
    private readonly List<ulong> _edges = [];
    private readonly List<(ulong Address, RootKind Kind, string Name)> _roots = [];
    private readonly List<(ulong Address, string Field, bool ThreadLocal)> _statics = [];
    private readonly List<(ulong Key, ulong Value)> _dependents = [];
    private long _declaredEdges;

    public int NodeCount => _addresses.Count;

    public long EdgeCount => _edges.Count;

    /// <summary>References whose target was not an object of the dump, after <see cref="Build"/>.</summary>
    public long ExternalReferences { get; private set; }

    /// <summary>Roots whose object was not in the dump, after <see cref="Build"/>.</summary>
    public int UnresolvedRoots { get; private set; }

    /// <summary>Names a type; <paramref name="isOwn"/> when it is MemTrack's own (see <see cref="HeapGraph.OwnTypes"/>).</summary>
    public void AddType(ulong typeId, string name, bool isOwn = false)
    {
        _typeNames[typeId] = name;
        if (isOwn)
        {
            _ownTypes.Add(typeId);
        }
        else
        {
            _ownTypes.Remove(typeId);
        }
    }

    public void AddNode(ulong address, long size, ulong typeId, int edgeCount)
    {
        _addresses.Add(address);
        _sizes.Add(size);
        _typeIds.Add(typeId);
        _edgeCounts.Add(edgeCount);
        _declaredEdges += edgeCount;
    }

    public void AddEdge(ulong target) => _edges.Add(target);

    public void AddRoot(ulong address, RootKind kind, string name) => _roots.Add((address, kind, name));

    public void AddStaticRoot(ulong address, string field, bool threadLocal) => _statics.Add((address, field, threadLocal));

    /// <summary>A dependent handle: <paramref name="value"/> lives as long as <paramref name="key"/> does (an edge key -> value).</summary>
    public void AddDependent(ulong key, ulong value) => _dependents.Add((key, value));

    /// <summary>Builds the graph, releasing the stream lists as they are consumed (the builder is spent afterwards).</summary>
    /// <param name="staticName">
    /// Names a static root from its field name and the type name of the object it holds, and says whether MemTrack
    /// declares it.
    /// </param>
    public HeapGraph Build(Func<string, string, (string Name, bool IsOwn)> staticName)
    {
        if (_declaredEdges != _edges.Count)
        {
            throw new MemTrackException(
                $"The heap dump is inconsistent: its objects declare {_declaredEdges} references but {_edges.Count} arrived, so events were lost. Raise {nameof(HeapCaptureOptions)}.{nameof(HeapCaptureOptions.BufferSizeMB)}.");
        }

        int n = _addresses.Count;
        ulong[] addresses = [.. _addresses];
        Release(_addresses);
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(addresses, order);
        var rank = new int[n];
        for (int sorted = 0; sorted < n; sorted++)
        {
            rank[order[sorted]] = sorted;
        }

        (string[] typeNames, bool[] ownTypes, Dictionary<ulong, int> typeIndex) = Types();
        var sizes = new long[n];
        var types = new int[n];
        for (int i = 0; i < n; i++)
        {
            sizes[rank[i]] = _sizes[i];
            types[rank[i]] = typeIndex[_typeIds[i]];
        }

        Release(_sizes);
        Release(_typeIds);

        (int[] edgeStart, int[] edgeTargets) = Edges(addresses, order);
        HeapRoot[] roots = Roots(addresses, sizes, types, typeNames, staticName);
        return new HeapGraph(addresses, sizes, types, typeNames, edgeStart, edgeTargets, roots, ownTypes);
    }

    /// <summary>The distinct type names in first-seen order, whether each is own, and each type id's slot.</summary>
    private (string[] Names, bool[] Own, Dictionary<ulong, int> Index) Types()
    {
        var names = new InternTable<string>(StringComparer.Ordinal);
        var own = new List<bool>();
        var index = new Dictionary<ulong, int>();
        foreach (ulong typeId in _typeIds)
        {
            if (index.ContainsKey(typeId))
            {
                continue;
            }

            string name = _typeNames.TryGetValue(typeId, out string? known) && known.Length > 0
                ? known
                : string.Create(CultureInfo.InvariantCulture, $"Type(0x{typeId:x})");
            bool isOwn = _ownTypes.Contains(typeId);
            int slot = names.Intern(name);
            if (slot == own.Count)
            {
                own.Add(isOwn);
            }
            else
            {
                // Two types of one name (two load contexts): the slot is own only if both are, never hiding a user type.
                own[slot] &= isOwn;
            }

            index.Add(typeId, slot);
        }

        return ([.. names.Values], [.. own], index);
    }

    /// <summary>References in compressed rows, in address order, with the dependent-handle edges added to their keys.</summary>
    private (int[] Start, int[] Targets) Edges(ulong[] addresses, int[] order)
    {
        int n = order.Length;
        ReadOnlySpan<int> counts = CollectionsMarshal.AsSpan(_edgeCounts);
        ReadOnlySpan<ulong> edges = CollectionsMarshal.AsSpan(_edges);
        var streamStart = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            streamStart[i + 1] = streamStart[i] + counts[i];
        }

        var dependents = new List<(int Key, int Value)>();
        foreach ((ulong key, ulong value) in _dependents)
        {
            int k = AddressIndex.Of(addresses, key);
            int v = AddressIndex.Of(addresses, value);
            if (k >= 0 && v >= 0)
            {
                dependents.Add((k, v));
            }
        }

        dependents.Sort();
        var start = new int[n + 1];
        var targets = new int[edges.Length + dependents.Count];
        int count = 0;
        int nextDependent = 0;
        long external = 0;
        for (int sorted = 0; sorted < n; sorted++)
        {
            int stream = order[sorted];
            for (int e = streamStart[stream]; e < streamStart[stream + 1]; e++)
            {
                int target = AddressIndex.Of(addresses, edges[e]);
                if (target >= 0)
                {
                    targets[count++] = target;
                }
                else
                {
                    external++;
                }
            }

            while (nextDependent < dependents.Count && dependents[nextDependent].Key == sorted)
            {
                targets[count++] = dependents[nextDependent++].Value;
            }

            start[sorted + 1] = count;
        }

        ExternalReferences = external;
        Release(_edges);
        Release(_edgeCounts);
        Array.Resize(ref targets, count);
        return (start, targets);
    }

    /// <summary>Gives a consumed stream list's memory back before the next arrays are allocated.</summary>
    private static void Release<T>(List<T> list)
    {
        list.Clear();
        list.TrimExcess();
    }

    private HeapRoot[] Roots(ulong[] addresses, long[] sizes, int[] types, string[] typeNames, Func<string, string, (string Name, bool IsOwn)> staticName)
    {
        var roots = new List<HeapRoot>(_roots.Count + _statics.Count);
        foreach ((ulong address, string field, bool threadLocal) in _statics)
        {
            Add(address, threadLocal ? RootKind.ThreadStaticField : RootKind.StaticField, node => staticName(field, typeNames[types[node]]));
        }

        foreach ((ulong address, RootKind kind, string name) in _roots)
        {
            Add(address, kind, _ => (name, false));
        }

        return [.. roots];

        void Add(ulong address, RootKind kind, Func<int, (string Name, bool IsOwn)> describe)
        {
            // Stack roots may be interior pointers: resolve to the object that contains the address.
            int node = AddressIndex.Containing(addresses, sizes, address);
            if (node >= 0)
            {
                (string name, bool isOwn) = describe(node);
                roots.Add(new HeapRoot(node, kind, name, isOwn));
            }
            else
            {
                UnresolvedRoots++;
            }
        }
    }
}
