using MemTrack.Internal.Export;

namespace MemTrack.Tests.Internal.Export;

public class InternTableTests
{
    [Fact]
    public void Values_are_numbered_in_the_order_first_seen()
    {
        var table = new InternTable<string>(StringComparer.Ordinal);
        Assert.Equal(0, table.Intern(string.Empty));
        Assert.Equal(1, table.Intern("a"));
        Assert.Equal(2, table.Intern("A"));
        Assert.Equal(1, table.Intern("a"));
        Assert.Equal([string.Empty, "a", "A"], table.Values);
    }

    [Fact]
    public void The_comparer_decides_what_is_the_same()
    {
        var table = new InternTable<string>(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(0, table.Intern("a"));
        Assert.Equal(0, table.Intern("A"));
        Assert.Single(table.Values);
    }
}
