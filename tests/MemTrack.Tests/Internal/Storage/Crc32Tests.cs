using System.Text;
using MemTrack.Internal.Storage;

namespace MemTrack.Tests.Internal.Storage;

public class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Matches_the_standard_check_values(string text, uint expected) =>
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Detects_every_single_bit_flip()
    {
        byte[] data = Encoding.ASCII.GetBytes("MEMTRACK snapshot checksum test");
        uint original = Crc32.Compute(data);
        for (int i = 0; i < data.Length * 8; i++)
        {
            data[i / 8] ^= (byte)(1 << (i % 8));
            Assert.NotEqual(original, Crc32.Compute(data));
            data[i / 8] ^= (byte)(1 << (i % 8));
        }

        Assert.Equal(original, Crc32.Compute(data));
    }
}
