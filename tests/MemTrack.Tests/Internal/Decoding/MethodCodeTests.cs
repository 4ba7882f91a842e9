using MemTrack.Internal.Decoding;

namespace MemTrack.Tests.Internal.Decoding;

public sealed class MethodCodeTests
{
    [Theory]
    [InlineData(0u, 0)]
    [InlineData(9u, 0)]
    [InlineData(10u, 6)]
    [InlineData(25u, 6)]   // the epilog marker (-3) at 20 is skipped
    [InlineData(30u, 12)]
    [InlineData(1000u, 12)]
    public void IlOffsetIsTheLastMappedEntryAtOrBeforeTheNativeOffset(uint native, int expected)
    {
        var method = new MethodCode(0x1000, 0x100, 1, 1, 1, "M") { NativeOffsets = [0, 10, 20, 30], IlOffsets = [0, 6, -3, 12] };
        Assert.Equal(expected, method.IlOffsetAt(native));
    }

    [Fact]
    public void WithoutAnIlMapTheOffsetIsUnknown()
    {
        var method = new MethodCode(0x1000, 0x100, 1, 1, 1, "M");
        Assert.Equal(-1, method.IlOffsetAt(5));
        Assert.Equal(0x1100UL, method.End);
    }
}
