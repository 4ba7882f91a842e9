using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Tests.Internal.Heap.Graph;

/// <summary>Random and large heap graphs for the property and scale tests, built straight into the flat arrays.</summary>
internal static class GraphFixtures
{
    private static readonly RootKind[] Kinds = Enum.GetValues<RootKind>();

    /// <summary>
    /// A graph from per-node reference lists; addresses ascend with the index (the graph sorts the roots by kind).
    /// <paramref name="ownTypes"/> flags MemTrack's own types per type index (none when null).
    /// </summary>
    public static HeapGraph Create(long[] sizes, int[] types, string[] typeNames, IReadOnlyList<IReadOnlyList<int>> references, IEnumerable<HeapRoot> roots, bool[]? ownTypes = null)
    {
        int n = sizes.Length;
        var addresses = new ulong[n];
        var edgeStart = new int[n + 1];
        var targets = new List<int>();
        for (int i = 0; i < n; i++)
        {
            addresses[i] = 0x1000UL + ((ulong)i * 0x20);
            edgeStart[i] = targets.Count;
            targets.AddRange(references[i]);
        }

        edgeStart[n] = targets.Count;
        return new HeapGraph(addresses, sizes, types, typeNames, edgeStart, [.. targets], [.. roots], ownTypes);
    }

    /// <summary>
    /// 5-60 nodes with 0-3 random references each (self loops and duplicates included), 0-4 roots of random kinds
    /// (possibly the same object twice), so some objects are unreached. With <paramref name="rootsWithoutReferrers"/>
    /// every reference to a root object is removed.
    /// </summary>
    public static HeapGraph Random(Random random, bool rootsWithoutReferrers)
    {
        int n = random.Next(5, 61);
        int typeCount = random.Next(1, 5);
        string[] typeNames = [.. Enumerable.Range(0, typeCount).Select(t => "T" + t)];
        var sizes = new long[n];
        var types = new int[n];
        var references = new List<int>[n];
        int maxDegree = random.Next(1, 4);
        for (int i = 0; i < n; i++)
        {
            sizes[i] = random.Next(1, 1000);
            types[i] = random.Next(typeCount);
            references[i] = [];
            int degree = random.Next(0, maxDegree + 1);
            for (int e = 0; e < degree; e++)
            {
                references[i].Add(random.Next(n));
            }

            if (random.Next(20) == 0)
            {
                references[i].Add(i);
            }
        }

        var roots = new List<HeapRoot>();
        int rootCount = random.Next(0, 5);
        for (int r = 0; r < rootCount; r++)
        {
            roots.Add(new HeapRoot(random.Next(n), Kinds[random.Next(Kinds.Length)], "root" + r));
        }

        if (rootsWithoutReferrers)
        {
            var rootNodes = roots.Select(r => r.Node).ToHashSet();
            foreach (List<int> list in references)
            {
                list.RemoveAll(rootNodes.Contains);
            }
        }

        return Create(sizes, types, typeNames, references, roots);
    }

    /// <summary>A chain of <paramref name="n"/> 16-byte objects, node i referencing node i + 1, rooted at node 0.</summary>
    public static HeapGraph Chain(int n, bool reversed)
    {
        var addresses = new ulong[n];
        var sizes = new long[n];
        var types = new int[n];
        var edgeStart = new int[n + 1];
        var targets = new int[n - 1];
        int edge = 0;
        for (int i = 0; i < n; i++)
        {
            addresses[i] = 0x1000UL + ((ulong)i * 16);
            sizes[i] = 16;
            types[i] = i % 2;
            edgeStart[i] = edge;
            int next = reversed ? i - 1 : i + 1;
            if (next >= 0 && next < n)
            {
                targets[edge++] = next;
            }
        }

        edgeStart[n] = edge;
        HeapRoot[] roots = [new HeapRoot(reversed ? n - 1 : 0, RootKind.Stack, "stack")];
        return new HeapGraph(addresses, sizes, types, ["Link", "OtherLink"], edgeStart, targets, roots);
    }

    /// <summary><paramref name="n"/> objects with <paramref name="degree"/> random references each and a few roots.</summary>
    public static HeapGraph LargeRandom(int n, int degree, int seed)
    {
        var random = new Random(seed);
        var addresses = new ulong[n];
        var sizes = new long[n];
        var types = new int[n];
        var edgeStart = new int[n + 1];
        var targets = new int[n * degree];
        for (int i = 0; i < n; i++)
        {
            addresses[i] = 0x1000UL + ((ulong)i * 16);
            sizes[i] = random.Next(16, 64);
            types[i] = random.Next(8);
            edgeStart[i] = i * degree;
            for (int e = 0; e < degree; e++)
            {
                targets[(i * degree) + e] = random.Next(n);
            }
        }

        edgeStart[n] = n * degree;
        HeapRoot[] roots = [.. Enumerable.Range(0, 10).Select(r => new HeapRoot(random.Next(n), RootKind.StrongHandle, "h" + r))];
        return new HeapGraph(addresses, sizes, types, [.. Enumerable.Range(0, 8).Select(t => "T" + t)], edgeStart, targets, roots);
    }
}
