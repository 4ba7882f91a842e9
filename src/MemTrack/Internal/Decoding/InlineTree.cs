using System.Buffers.Binary;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// What the JIT inlined into one body of code and where, from the runtime's rich debug info (event
/// JittedMethodRichDebugInfo, sent with <c>DOTNET_RichDebugInfo=1</c>): the inline tree (context 0 is the method itself,
/// every other context a method inlined into its parent context) and, per context, the native offsets where its
/// statements begin with their IL offsets in that context's own method. The runtime reports no usable call-site IL
/// offset for an inlinee (the tree's field is unset on .NET 10), so a parent's line comes from its own map and IL.
/// </summary>
internal sealed class InlineTree
{
    private const int NodeTailBytes = 12;
    private const int MappingBytes = 13;

    private readonly int[] _parents;
    private readonly uint[] _natives;
    private readonly int[] _contexts;
    private readonly IlMap?[] _maps;

    private InlineTree(ulong[] methods, int[] parents, uint[] natives, int[] contexts, IlMap?[] maps)
    {
        Methods = methods;
        _parents = parents;
        _natives = natives;
        _contexts = contexts;
        _maps = maps;
    }

    /// <summary>Per context, the runtime's method id (MethodDesc) of its method; context 0 is the jitted method.</summary>
    public IReadOnlyList<ulong> Methods { get; }

    /// <summary>
    /// Reads the blob of the event (every chunk's data, in order): <c>u32</c> node count N, <c>u32</c> mapping count M,
    /// N nodes of (method pointer, <c>u32</c> call-site IL offset, <c>u32</c> first child, <c>u32</c> next sibling), M
    /// mappings of (<c>u32</c> IL offset, <c>u32</c> context, <c>u32</c> native offset, <c>u8</c> source types), all
    /// little-endian. Throws <see cref="InvalidDataException"/> when the sizes, indexes or tree do not hold together.
    /// </summary>
    public static InlineTree Parse(ReadOnlySpan<byte> blob, int pointerSize)
    {
        if (pointerSize is not (4 or 8))
        {
            throw new InvalidDataException($"Unsupported pointer size {pointerSize}.");
        }

        if (blob.Length < 8)
        {
            throw new InvalidDataException($"Rich debug info of {blob.Length} bytes is shorter than its counts.");
        }

        uint nodeCount = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        uint mappingCount = BinaryPrimitives.ReadUInt32LittleEndian(blob[4..]);
        long expected = 8 + (nodeCount * (long)(pointerSize + NodeTailBytes)) + (mappingCount * (long)MappingBytes);
        if (nodeCount == 0 || expected != blob.Length)
        {
            throw new InvalidDataException($"Rich debug info of {blob.Length} bytes does not hold {nodeCount} inline nodes and {mappingCount} mappings.");
        }

        int nodes = (int)nodeCount;
        var methods = new ulong[nodes];
        var children = new int[nodes];
        var siblings = new int[nodes];
        int at = 8;
        for (int i = 0; i < nodes; i++)
        {
            methods[i] = pointerSize == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(blob[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(blob[at..]);
            at += pointerSize + 4; // the call-site IL offset is not used (see the class summary)
            children[i] = Index(BinaryPrimitives.ReadUInt32LittleEndian(blob[at..]), nodes, "child");
            siblings[i] = Index(BinaryPrimitives.ReadUInt32LittleEndian(blob[(at + 4)..]), nodes, "sibling");
            at += 8;
        }

        int[] parents = Parents(children, siblings);
        int count = (int)mappingCount;
        var natives = new uint[count];
        var contexts = new int[count];
        var ils = new int[count];
        for (int i = 0; i < count; i++)
        {
            uint il = BinaryPrimitives.ReadUInt32LittleEndian(blob[at..]);
            ils[i] = il > int.MaxValue ? -1 : (int)il;
            contexts[i] = Index(BinaryPrimitives.ReadUInt32LittleEndian(blob[(at + 4)..]), nodes, "inline context");
            natives[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob[(at + 8)..]);
            if (i > 0 && natives[i] < natives[i - 1])
            {
                throw new InvalidDataException($"Rich mapping {i} at native offset {natives[i]} is before the one before it ({natives[i - 1]}).");
            }

            at += MappingBytes;
        }

        var maps = new IlMap?[nodes];
        for (int context = 0; context < nodes; context++)
        {
            int[] mine = [.. Enumerable.Range(0, count).Where(i => contexts[i] == context)];
            maps[context] = mine.Length == 0 ? null : new IlMap([.. mine.Select(i => natives[i])], [.. mine.Select(i => ils[i])]);
        }

        return new InlineTree(methods, parents, natives, contexts, maps);
    }

    /// <summary>The inline context whose statement holds the instruction at <paramref name="nativeOffset"/>: that of the last mapping at or before it; 0 (the method itself) when none.</summary>
    public int ContextAt(uint nativeOffset)
    {
        int context = 0;
        for (int i = 0; i < _natives.Length && _natives[i] <= nativeOffset; i++)
        {
            context = _contexts[i];
        }

        return context;
    }

    /// <summary>The contexts from <paramref name="context"/> out to the method itself: the inlinee, the method it was inlined into, and so on to 0.</summary>
    public IEnumerable<int> Chain(int context)
    {
        for (int current = context; current > 0; current = _parents[current])
        {
            yield return current;
        }

        yield return 0;
    }

    /// <summary>The statements of one context (IL offsets in its own method), or null when it has none.</summary>
    public IlMap? MapOf(int context) => _maps[context];

    /// <summary>Approximate bytes held.</summary>
    public long EstimateBytes() => 64 + (Methods.Count * 12L) + (_natives.Length * 8L) + _maps.Sum(map => map?.EstimateBytes() ?? 0);

    private static int Index(uint value, int count, string what) =>
        value < count ? (int)value : throw new InvalidDataException($"Rich debug info names {what} {value} of {count} inline nodes.");

    /// <summary>Each node's parent, from the first-child / next-sibling links; every node but the root must be reached exactly once.</summary>
    private static int[] Parents(int[] children, int[] siblings)
    {
        var parents = new int[children.Length];
        Array.Fill(parents, -1);
        parents[0] = 0;
        var pending = new Stack<int>();
        pending.Push(0);
        while (pending.Count > 0)
        {
            int parent = pending.Pop();
            for (int child = children[parent]; child != 0; child = siblings[child])
            {
                if (parents[child] >= 0)
                {
                    throw new InvalidDataException($"Inline node {child} is reached twice: the tree has a cycle.");
                }

                parents[child] = parent;
                pending.Push(child);
            }
        }

        int lost = Array.IndexOf(parents, -1);
        return lost < 0 ? parents : throw new InvalidDataException($"Inline node {lost} is not in the tree.");
    }
}
