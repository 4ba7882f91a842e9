using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Tests.Internal.Heap.Graph;

public sealed class AddressIndexTests
{
    private static readonly ulong[] Addresses = [0x100, 0x200, 0x300, ulong.MaxValue - 0xF];
    private static readonly long[] Sizes = [0x10, 0x100, 0, 0x10];

    [Theory]
    [InlineData(0x100UL, 0)]
    [InlineData(0x200UL, 1)]
    [InlineData(0x300UL, 2)]
    [InlineData(ulong.MaxValue - 0xF, 3)]
    [InlineData(0UL, -1)]
    [InlineData(0x101UL, -1)]
    [InlineData(0x2FFUL, -1)]
    [InlineData(ulong.MaxValue, -1)]
    public void Of_finds_only_exact_addresses(ulong address, int expected)
    {
        Assert.Equal(expected, AddressIndex.Of(Addresses, address));
    }

    [Theory]
    [InlineData(0x100UL, 0)]
    [InlineData(0x108UL, 0)]
    [InlineData(0x10FUL, 0)]
    [InlineData(0x110UL, -1)]
    [InlineData(0x1FFUL, -1)]
    [InlineData(0x200UL, 1)]
    [InlineData(0x2FFUL, 1)]
    [InlineData(0x300UL, 2)]
    [InlineData(0x301UL, -1)]
    [InlineData(0xFFUL, -1)]
    [InlineData(0UL, -1)]
    [InlineData(ulong.MaxValue - 0xF, 3)]
    [InlineData(ulong.MaxValue, 3)]
    public void Containing_finds_the_object_an_interior_pointer_points_into(ulong address, int expected)
    {
        Assert.Equal(expected, AddressIndex.Containing(Addresses, Sizes, address));
    }

    [Fact]
    public void An_empty_index_finds_nothing()
    {
        Assert.Equal(-1, AddressIndex.Of([], 0x100));
        Assert.Equal(-1, AddressIndex.Containing([], [], 0x100));
    }

    [Fact]
    public void Random_lookups_agree_with_a_linear_scan()
    {
        var random = new Random(5);
        for (int round = 0; round < 100; round++)
        {
            int n = random.Next(0, 50);
            var addresses = new ulong[n];
            var sizes = new long[n];
            ulong next = (ulong)random.Next(0, 64);
            for (int i = 0; i < n; i++)
            {
                addresses[i] = next;
                sizes[i] = random.Next(0, 48);
                next += (ulong)sizes[i] + (ulong)random.Next(0, 32);
                next = Math.Max(next, addresses[i] + 1);
            }

            for (ulong address = 0; address < next + 8; address++)
            {
                int exact = Array.IndexOf(addresses, address);
                int containing = exact >= 0 ? exact : Array.FindIndex(addresses, a => a < address && address - a < (ulong)sizes[Array.IndexOf(addresses, a)]);
                Assert.Equal(exact, AddressIndex.Of(addresses, address));
                Assert.Equal(containing, AddressIndex.Containing(addresses, sizes, address));
            }
        }
    }
}
