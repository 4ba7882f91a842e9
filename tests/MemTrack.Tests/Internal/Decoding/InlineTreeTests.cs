using MemTrack.Internal.Decoding;
using static MemTrack.Tests.Internal.Decoding.RichDebugInfoBlobs;

namespace MemTrack.Tests.Internal.Decoding;

public sealed class InlineTreeTests
{
    // The shape of list.Add(new Holder()) at tier 1: the method (0) inlined Holder..ctor (1), which inlined Object..ctor (2).
    private static readonly (ulong, uint, uint)[] Nodes = [(0x100, 1, 0), (0x200, 2, 0), (0x300, 0, 0)];
    private static readonly (uint, uint, uint)[] Mappings = [(0x00, 0, 0x10), (0x1c, 0, 0x30), (0x06, 1, 0x40), (0x26, 0, 0x60)];

    [Fact]
    public void TheStatementAroundAnInstructionNamesItsInlineContextAndItsChainOut()
    {
        InlineTree tree = InlineTree.Parse(Blob(Nodes, Mappings), pointerSize: 8);

        Assert.Equal([0x100UL, 0x200UL, 0x300UL], tree.Methods);
        Assert.Equal(0, tree.ContextAt(0x05)); // before every statement: the method itself
        Assert.Equal(0, tree.ContextAt(0x3f));
        Assert.Equal(1, tree.ContextAt(0x45));
        Assert.Equal(0, tree.ContextAt(0x60));
        Assert.Equal([1, 0], tree.Chain(1));
        Assert.Equal([2, 1, 0], tree.Chain(2));
        Assert.Equal(0x06, tree.MapOf(1)!.IlOffsetAt(0x45));
        Assert.Equal(0x1c, tree.MapOf(0)!.IlOffsetAt(0x45));
        Assert.Null(tree.MapOf(2)); // Object..ctor left no code
    }

    [Fact]
    public void ThirtyTwoBitPointersAreRead()
    {
        byte[] blob = [1, 0, 0, 0, 0, 0, 0, 0, 0x78, 0x56, 0x34, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0];

        Assert.Equal(0x12345678UL, Assert.Single(InlineTree.Parse(blob, pointerSize: 4).Methods));
    }

    public static TheoryData<string, byte[]> BadBlobs => new()
    {
        { "shorter than its counts", [1, 0, 0] },
        { "one byte short", Blob(Nodes, Mappings)[..^1] },
        { "one byte long", [.. Blob(Nodes, Mappings), 0] },
        { "no root", Blob([], []) },
        { "a child out of range", Blob([(0x100, 3, 0)], []) },
        { "a cycle", Blob([(0x100, 1, 0), (0x200, 0, 1)], []) },
        { "a node outside the tree", Blob([(0x100, 0, 0), (0x200, 0, 0)], []) },
        { "a mapping's context out of range", Blob(Nodes, [(0, 3, 0x10)]) },
        { "mappings out of native order", Blob(Nodes, [(0, 0, 0x20), (4, 0, 0x10)]) },
    };

    [Theory]
    [MemberData(nameof(BadBlobs))]
    public void ABlobThatDoesNotHoldTogetherIsInvalidData(string why, byte[] blob)
    {
        Assert.NotEmpty(why);
        Assert.Throws<InvalidDataException>(() => InlineTree.Parse(blob, pointerSize: 8));
    }

    [Fact]
    public void ChunksAreReassembledPerMethodAndBadEventsAreInvalidData()
    {
        var events = new RichDebugInfoEvents();
        byte[] blob = Blob(Nodes, Mappings);

        var whole = events.Read(Event(0x100, 0, last: true, blob));
        Assert.Equal(0x100UL, whole!.Value.MethodId);
        Assert.Equal(3, whole.Value.Tree.Methods.Count);

        Assert.Null(events.Read(Event(0x200, 0, last: false, blob[..10])));
        var joined = events.Read(Event(0x200, 1, last: true, blob[10..]));
        Assert.Equal(3, joined!.Value.Tree.Methods.Count);

        Assert.Throws<InvalidDataException>(() => events.Read(Event(0x300, 1, last: true, blob)));        // a chunk without its first
        Assert.Throws<InvalidDataException>(() => events.Read(Event(0x300, 0, last: true, blob).AsSpan(0, 40)));  // data shorter than its size
        Assert.Throws<InvalidDataException>(() => events.Read(new byte[10]));                             // shorter than the header
    }
}
