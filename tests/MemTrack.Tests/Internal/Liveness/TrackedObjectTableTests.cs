using MemTrack.Internal.Liveness;
using MemTrack.Internal.Sites;

namespace MemTrack.Tests.Internal.Liveness;

public sealed class TrackedObjectTableTests
{
    private readonly SiteTable _sites = new(10);
    private readonly int _siteA;
    private readonly int _siteB;

    public TrackedObjectTableTests()
    {
        _siteA = _sites.Add(1, 1, 1000);
        _siteB = _sites.Add(2, 1, 1000);
    }

    [Fact]
    public void Tracked_objects_count_as_live_at_their_site_and_merge_sorted()
    {
        var table = new TrackedObjectTable(_sites);
        table.Track(0x3000, 1000, _siteA);
        table.Track(0x1000, 1000, _siteB);
        table.Track(0x2000, 1000, _siteA);
        Assert.Equal(3, table.Count);
        Assert.Equal(2, _sites.Entries[_siteA].Live.Samples);
        Assert.Equal(1, _sites.Entries[_siteB].Live.Samples);
        Assert.Equal([0x1000UL, 0x2000UL, 0x3000UL], table.ToArray().Select(o => o.Address));
        Assert.True(_sites.LiveBytes > 2_000);
        Assert.Equal(_sites.LiveBytes, _sites.PeakLiveBytes);
    }

    [Fact]
    public void Condemned_objects_die_unless_a_surviving_range_covers_them()
    {
        var table = new TrackedObjectTable(_sites);
        table.Track(0x1000, 100, _siteA);
        table.Track(0x2000, 100, _siteA);
        table.Track(0x9000, 100, _siteB);
        table.Merge();
        table.Mark(0x1000, 0x3000, TrackedObjectFlags.Condemned);
        table.Survive(0x2000, 0x100);
        Assert.Equal(1, table.EndGc(TrackedObjectFlags.Condemned, applyMoves: true));
        Assert.Equal([0x2000UL, 0x9000UL], table.ToArray().Select(o => o.Address));
        Assert.Equal(1, _sites.Entries[_siteA].Live.Samples);
        Assert.Equal(1, table.Deaths);
    }

    [Fact]
    public void Moves_apply_at_the_end_of_the_gc_and_never_twice()
    {
        var table = new TrackedObjectTable(_sites);
        table.Track(0x1000, 32, _siteA);
        table.Track(0x1100, 32, _siteA);
        table.Track(0x5000, 32, _siteB);
        table.Merge();
        table.MarkAll(TrackedObjectFlags.Condemned);

        // 0x1000 moves to 0x5000's range and that range moves too: read against the old addresses, each moves once.
        table.Move(0x1000, 0x5000, 0x200);
        table.Move(0x5000, 0x8000, 0x100);
        table.Move(0x5000, 0x9000, 0x200); // a second report of a range already moved changes nothing
        Assert.Equal(0, table.EndGc(TrackedObjectFlags.Condemned, applyMoves: true));
        Assert.Equal([0x5000UL, 0x5100UL, 0x8000UL], table.ToArray().Select(o => o.Address));
        Assert.Equal([_siteA, _siteA, _siteB], table.ToArray().Select(o => o.Site));
        Assert.All(table.ToArray(), o => Assert.Equal(TrackedObjectFlags.None, o.Flags));
    }

    [Fact]
    public void Range_queries_find_exactly_the_objects_that_start_inside()
    {
        var table = new TrackedObjectTable(_sites);
        for (ulong address = 0x1000; address < 0x1000 + (100 * 0x40); address += 0x40)
        {
            table.Track(address, 0x40, _siteA);
        }

        table.Merge();
        table.Mark(0x1040, 0x1100, TrackedObjectFlags.Condemned);
        Assert.Equal(3, table.EndGc(TrackedObjectFlags.Condemned, applyMoves: true));
        Assert.Equal(97, table.Count);
        Assert.DoesNotContain(table.ToArray(), o => o.Address is >= 0x1040 and < 0x1100);
    }

    [Fact]
    public void An_old_object_whose_memory_a_new_one_occupies_died_unseen()
    {
        var table = new TrackedObjectTable(_sites);
        table.Track(0x1000, 0x800, _siteA);
        table.Merge();
        table.Track(0x1400, 0x40, _siteB); // inside the old object: its memory was reused
        table.Track(0x1800, 0x40, _siteB); // right after it: no overlap
        table.Merge();
        Assert.Equal([0x1400UL, 0x1800UL], table.ToArray().Select(o => o.Address));
        Assert.Equal(0, _sites.Entries[_siteA].Live.Samples);
        Assert.Equal(1, table.Deaths);
    }

    [Fact]
    public void Memory_follows_the_number_of_tracked_objects_not_the_number_of_gcs()
    {
        var table = new TrackedObjectTable(_sites);
        for (int gc = 0; gc < 5_000; gc++)
        {
            table.Track(0x1000 + ((ulong)gc * 0x100), 0x40, _siteA);
            table.Merge();
        }

        long grown = table.EstimateBytes();
        Assert.InRange(grown, 5_000 * 32, 8 * 5_000 * 32);

        // All die: the arrays shrink back.
        table.MarkAll(TrackedObjectFlags.Condemned);
        Assert.Equal(5_000, table.EndGc(TrackedObjectFlags.Condemned, applyMoves: true));
        Assert.True(table.EstimateBytes() < grown / 2, $"{table.EstimateBytes()} bytes after every object died (was {grown})");
    }

    [Fact]
    public void A_full_table_counts_what_it_cannot_track()
    {
        var table = new TrackedObjectTable(_sites, capacity: 2);
        table.Track(0x1000, 8, _siteA);
        table.Track(0x2000, 8, _siteA);
        table.Track(0x3000, 8, _siteA);
        Assert.Equal(2, table.Count);
        Assert.Equal(1, table.Untracked);
        Assert.Equal(2, _sites.Entries[_siteA].Live.Samples);
    }

    [Fact]
    public void Overflow_sites_keep_live_statistics_too()
    {
        var table = new TrackedObjectTable(_sites);
        table.Track(0x1000, 64, SiteTable.OverflowSlot);
        Assert.Equal(1, _sites.OverflowLive.Samples);
        table.Merge();
        table.MarkAll(TrackedObjectFlags.Condemned);
        table.EndGc(TrackedObjectFlags.Condemned, applyMoves: true);
        Assert.Equal(0, _sites.OverflowLive.Samples);
        Assert.Equal(0, _sites.LiveBytes);
    }

    [Fact]
    public void Clear_forgets_every_object_and_the_site_table_restarts_the_peak()
    {
        var table = new TrackedObjectTable(_sites, capacity: 1);
        table.Track(0x1000, 8, _siteA);
        table.Track(0x2000, 8, _siteA);
        table.Clear();
        _sites.Clear();
        Assert.Equal((0, 0L), (table.Count, table.Untracked));
        Assert.Equal((0L, 0L), (_sites.LiveBytes, _sites.PeakLiveBytes));
        Assert.True(table.EstimateBytes() > 0);
    }
}
