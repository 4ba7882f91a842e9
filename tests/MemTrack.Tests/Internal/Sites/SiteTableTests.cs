using MemTrack.Internal.Sites;

namespace MemTrack.Tests.Internal.Sites;

public sealed class SiteTableTests
{
    [Fact]
    public void SamplesOfTheSameSiteAccumulate()
    {
        var table = new SiteTable(10);
        table.Add(1, 2, 100);
        table.Add(1, 2, 100);
        table.Add(1, 3, 100);
        Assert.Equal(2, table.Count);
        Assert.Equal(2, table.Entries[0].Stats.Samples);
        Assert.Equal(1, table.Entries[1].Stats.Samples);
    }

    [Fact]
    public void SitesBeyondTheLimitGoToTheOverflowSoNoSampleIsLost()
    {
        var table = new SiteTable(3);
        for (int stack = 0; stack < 10; stack++)
        {
            table.Add(stack, 0, 64);
        }

        table.Add(0, 0, 64); // a known site still accumulates
        Assert.Equal(3, table.Count);
        Assert.Equal(7, table.Overflow.Samples);
        long total = table.Overflow.Samples;
        foreach (SiteEntry entry in table.Entries)
        {
            total += entry.Stats.Samples;
        }

        Assert.Equal(11, total);
        table.Clear();
        Assert.Equal(0, table.Count);
        Assert.Equal(0, table.Overflow.Samples);
    }

    [Fact]
    public void GrowsPastItsInitialCapacity()
    {
        var table = new SiteTable(5000);
        for (int i = 0; i < 5000; i++)
        {
            table.Add(i, i % 7, 24);
        }

        Assert.Equal(5000, table.Count);
        Assert.Equal(0, table.Overflow.Samples);
        Assert.True(table.EstimateBytes() > 5000 * 40);
    }

    [Fact]
    public void StackTableInternsEqualStacksOnce()
    {
        var stacks = new StackTable();
        int a = stacks.Intern([1, 2, 3], 5);
        int b = stacks.Intern([1, 2, 3], 5);
        int d = stacks.Intern([1, 2], 5);
        Assert.Equal(a, b);
        Assert.NotEqual(a, d);
        Assert.Equal(2, stacks.Count);
        Assert.Equal(5, stacks.Get(a).TotalFrames);
    }

    [Fact]
    public void StacksThatDifferOnlyBelowTheTruncationAreOneSiteWithTheLongestTotal()
    {
        var stacks = new StackTable();
        int a = stacks.Intern([1, 2, 3], 5);
        int deeper = stacks.Intern([1, 2, 3], 9);
        int shallower = stacks.Intern([1, 2, 3], 4);
        Assert.Equal(a, deeper);
        Assert.Equal(a, shallower);
        Assert.Equal(1, stacks.Count);
        Assert.Equal(9, stacks.Get(a).TotalFrames);
    }

    [Fact]
    public void TheHotPathOfAKnownSiteAllocatesNothing()
    {
        var table = new SiteTable(10);
        int slot = table.Add(1, 2, 100);
        MemoryAssert.AllocatesNothing(() => table.Add(1, 2, 100), iterations: 10_000);
        MemoryAssert.AllocatesNothing(
            () =>
            {
                table.AddLive(slot, 100);
                table.RemoveLive(slot, 100);
            },
            iterations: 10_000);
    }

    [Fact]
    public void InterningAKnownStackAllocatesNothing()
    {
        var stacks = new StackTable();
        int[] frames = [3, 1, 4, 1, 5];
        int id = stacks.Intern(frames, 9);
        int found = -1;
        MemoryAssert.AllocatesNothing(() => found = stacks.Intern(frames, 9), iterations: 10_000);
        Assert.Equal(id, found);
    }
}
