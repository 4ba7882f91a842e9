using MemTrack.Internal.Formatting;

namespace MemTrack.Tests.Model;

public class SizeFormatterTests
{
    // Expected values are the output of Python 3.11's tracemalloc._format_size(size, sign).
    [Theory]
    [InlineData(0L, "0 B", "+0 B")]
    [InlineData(512L, "512 B", "+512 B")]
    [InlineData(5120L, "5120 B", "+5120 B")]
    [InlineData(10239L, "10239 B", "+10239 B")]
    [InlineData(10240L, "10.0 KiB", "+10.0 KiB")]
    [InlineData(10496L, "10.2 KiB", "+10.2 KiB")]
    [InlineData(102399L, "100.0 KiB", "+100.0 KiB")]
    [InlineData(102400L, "100 KiB", "+100 KiB")]
    [InlineData(102912L, "100 KiB", "+100 KiB")]
    [InlineData(1536000L, "1500 KiB", "+1500 KiB")]
    [InlineData(10485760L, "10.0 MiB", "+10.0 MiB")]
    [InlineData(1098437885952L, "1023 GiB", "+1023 GiB")]
    [InlineData(long.MaxValue, "8388608 TiB", "+8388608 TiB")]
    [InlineData(-5120L, "-5120 B", "-5120 B")]
    [InlineData(-10240L, "-10.0 KiB", "-10.0 KiB")]
    public void Formats_like_tracemalloc(long size, string expected, string expectedSigned)
    {
        Assert.Equal(expected, SizeFormatter.Format(size));
        Assert.Equal(expectedSigned, SizeFormatter.Format(size, sign: true));
    }

    [Theory]
    [InlineData(62L, 100L, "±62%")]
    [InlineData(6L, -100L, "±6%")]
    [InlineData(0L, 100L, "±0%")]
    [InlineData(5L, 0L, "")]
    [InlineData(1L, 3L, "±33%")]
    public void Relative_margin_is_a_rounded_percentage(long margin, long value, string expected)
    {
        Assert.Equal(expected, SizeFormatter.RelativeMargin(margin, value));
    }
}
