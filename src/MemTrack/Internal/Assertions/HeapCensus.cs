using System.Runtime.InteropServices;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Assertions;

/// <summary>
/// Count and size per (type, holder) of the objects of one heap capture that code holds for good: those reachable
/// from a root other than a thread stack, or from the object the code under test runs on, without MemTrack's own
/// objects. The holder is the root each object is first reached from (static fields first), as <c>name [kind]</c>.
/// Objects that only thread stacks hold are in flight (a socket read, a pool thread's buffers) and come and go
/// between captures. The census is a MemTrack type, so the next capture counts it as MemTrack's own, not as growth.
/// </summary>
internal sealed class HeapCensus
{
    /// <summary>The holder name of objects reached from the code under test.</summary>
    public const string CodeUnderTest = "the code under test (its closure or instance)";

    private readonly Dictionary<(string Type, string Holder), (long Count, long Size)> _totals = [];
    private readonly string[] _holders;
    private int[] _holderOf;
    private HeapSnapshot? _heap;

    private HeapCensus(HeapSnapshot heap, string[] holders, int[] holderOf)
    {
        _heap = heap;
        _holders = holders;
        _holderOf = holderOf;
    }

    /// <summary>The capture, for the report; only the last census of a check keeps it.</summary>
    public HeapSnapshot Heap => _heap ?? throw new InvalidOperationException("This census has released its capture.");

    public IEnumerable<(string Type, string Holder)> Keys => _totals.Keys;

    public (long Count, long Size) this[(string Type, string Holder) key] => _totals.GetValueOrDefault(key);

    /// <param name="heap">The capture.</param>
    /// <param name="codeType">The type of the object the code under test runs on (a closure, an instance), whose objects count as held; or null.</param>
    public static HeapCensus Of(HeapSnapshot heap, string? codeType)
    {
        HeapGraph graph = heap.Graph;
        int n = graph.NodeCount;
        bool[] own = graph.IsOwn;
        var held = new bool[n];
        var holderOf = new int[n];
        Array.Fill(holderOf, -1);
        var queue = new int[n];
        var holders = new List<string>();
        int tail = 0;
        foreach (HeapRoot root in graph.Roots)
        {
            if (root.Kind != RootKind.Stack)
            {
                Enqueue(root.Node, root.Label);
            }
        }

        int code = codeType is null ? -1 : graph.TypeIndexOf(codeType);
        for (int node = 0; node < n && code >= 0; node++)
        {
            if (graph.Types[node] == code)
            {
                Enqueue(node, CodeUnderTest);
            }
        }

        graph.MarkReachable(queue, tail, held, blocked: own, origin: holderOf);
        var census = new HeapCensus(heap, [.. holders], holderOf);
        for (int node = 0; node < n; node++)
        {
            if (held[node])
            {
                ref (long Count, long Size) total = ref CollectionsMarshal.GetValueRefOrAddDefault(census._totals, (graph.TypeName(node), holders[holderOf[node]]), out _);
                total.Count++;
                total.Size += graph.Sizes[node];
            }
        }

        return census;

        void Enqueue(int node, string holder)
        {
            if (!held[node] && !own[node])
            {
                held[node] = true;
                holderOf[node] = holders.Count;
                holders.Add(holder);
                queue[tail++] = node;
            }
        }
    }

    /// <summary>Lets the capture go once a later census exists (a graph costs about 60 bytes per object); the totals stay.</summary>
    public void ReleaseCapture()
    {
        _heap = null;
        _holderOf = [];
    }

    /// <summary>The largest object of a type under a holder, or null.</summary>
    public HeapObject? Largest((string Type, string Holder) key) =>
        HolderGroup.Of(Heap.ObjectsOfType(key.Type), node => _holderOf[node] is int holder and >= 0 ? _holders[holder] : null)
            .TryGetValue(key.Holder, out HolderGroup group) ? new HeapObject(Heap, group.Largest) : null;
}
