using MemTrack.Internal.Decoding;

namespace MemTrack.Tests.Internal.Decoding;

public sealed class MethodMapTests
{
    [Fact]
    public void FindsTheMethodCoveringAnAddressAndNothingOutside()
    {
        var map = new MethodMap();
        map.AddMethod(new MethodCode(0x2000, 0x100, 2, 1, 0x06000002, "B"));
        map.AddMethod(new MethodCode(0x1000, 0x100, 1, 1, 0x06000001, "A"));
        map.AddMethod(new MethodCode(0x3000, 0x10, 3, 1, 0x06000003, "C"));
        Assert.Equal("A", map.Find(0x1000)!.Name);
        Assert.Equal("A", map.Find(0x10FF)!.Name);
        Assert.Null(map.Find(0x1100));
        Assert.Equal("B", map.Find(0x2050)!.Name);
        Assert.Equal("C", map.Find(0x300F)!.Name);
        Assert.Null(map.Find(0x0FFF));
        Assert.Null(map.Find(0x4000));
        Assert.Equal(3, map.Count);
    }

    [Fact]
    public void ReplacesCodeAtTheSameStartAddress()
    {
        var map = new MethodMap();
        map.AddMethod(new MethodCode(0x1000, 0x100, 1, 1, 1, "Old"));
        map.AddMethod(new MethodCode(0x1000, 0x80, 2, 1, 2, "New"));
        Assert.Equal("New", map.Find(0x1010)!.Name);
        Assert.Null(map.Find(0x1090));
        Assert.Equal(1, map.Count);
    }

    [Fact]
    public void PairsIlMapsSentBeforeOrAfterTheMethodLoad()
    {
        var map = new MethodMap();
        map.AddIlMap(7, [0, 10, 20], [0, 5, 9]);
        map.AddMethod(new MethodCode(0x1000, 0x100, 7, 1, 1, "MapFirst"));
        map.AddMethod(new MethodCode(0x2000, 0x100, 8, 1, 2, "LoadFirst"));
        map.AddIlMap(8, [0, 4], [0, 3]);
        Assert.Equal(5, map.Find(0x100C)!.Map!.IlOffsetAt(12));
        Assert.Equal(3, map.Find(0x2004)!.Map!.IlOffsetAt(4));
    }

    [Fact]
    public void TieredRecompilationGetsItsOwnIlMap()
    {
        var map = new MethodMap();
        map.AddIlMap(7, [0, 10], [0, 4]);
        map.AddMethod(new MethodCode(0x1000, 0x100, 7, 1, 1, "Tier0"));
        map.AddIlMap(7, [0, 2], [0, 4]);
        map.AddMethod(new MethodCode(0x5000, 0x40, 7, 1, 1, "Tier1"));
        Assert.Equal(0, map.Find(0x1005)!.Map!.IlOffsetAt(5));
        Assert.Equal(4, map.Find(0x5003)!.Map!.IlOffsetAt(3));
    }
}
