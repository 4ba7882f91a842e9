namespace MemTrack.Tests.Model;

public sealed class LeakCheckOptionsTests
{
    [Fact]
    public void Ignored_types_are_equal_when_they_hold_the_same_names_in_any_collection_and_order()
    {
        var first = new LeakCheckOptions { IgnoredTypes = ["System.String", "App.Cache"] };
        var second = new LeakCheckOptions { IgnoredTypes = new List<string> { "App.Cache", "System.String" } };

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, second with { IgnoredTypes = ["App.Cache"] });
        Assert.NotEqual(first, first with { Iterations = 11 });
        Assert.Equal(new LeakCheckOptions(), new LeakCheckOptions());
    }
}
