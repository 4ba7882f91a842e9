using MemTrack.Internal.Decoding;

namespace MemTrack.Tests.Internal.Decoding;

public sealed class IlMapTests
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
        var map = new IlMap([0, 10, 20, 30], [0, 6, -3, 12]);
        Assert.Equal(expected, map.IlOffsetAt(native));
    }

    [Fact]
    public void AMapWithoutStatementsKnowsNoOffset() =>
        Assert.Equal(-1, new IlMap([0, 0x40], [-2, -3]).IlOffsetAt(5));

    [Theory]
    // A tier-1 loop as the JIT maps it (seen on .NET 10): IL 0x0f at native 0x4f (exactly the first allocation's
    // return address), 0x16 at 0x53, 0x24 at 0x79 (the second's), the loop condition 0x35 first, at 0x33.
    [InlineData(0x4fu, 0, 0x0f, true)]    // the first allocation: IL before 0x0f, none of it mapped
    [InlineData(0x79u, 0x16, 0x24, true)] // the second: between the mapped 0x16 and 0x24
    [InlineData(0x78u, 0x16, 0x24, false)]
    [InlineData(0xa0u, 0x39, int.MaxValue, true)] // the epilog at the return address: up to the end of the IL
    public void TheCallWindowLiesBetweenTheMappedStatementsAroundTheReturnAddress(uint returnOffset, int low, int high, bool nextAtReturn)
    {
        var map = new IlMap([0, 0x4f, 0x53, 0x79, 0x33, 0x92, 0x97, 0xa0, 0x38], [-2, 0x0f, 0x16, 0x24, 0x35, 0x35, 0x39, -3, -1]);

        Assert.Equal(new CallWindow(low, high, nextAtReturn), map.CallWindowAt(returnOffset));
    }
}
