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
        TrackedObjectTable table = Merged((0x1000, 100, _siteA), (0x2000, 100, _siteA), (0x9000, 100, _siteB));
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
    public void Of_two_fresh_samples_at_one_address_the_newer_is_kept()
    {
        // A background GC's concurrent LOH sweep freed the first array and the second was allocated at its address,
        // with no GC start in between: both are fresh when the next GC starts.
        var table = new TrackedObjectTable(_sites);
        table.Track(0x10_0000, 100_016, _siteA);
        table.Track(0x10_0000, 100_016, _siteB);
        table.Merge();
        Assert.Equal([_siteB], table.ToArray().Select(o => o.Site));
        Assert.Equal(0, _sites.Entries[_siteA].Live.Samples);
        Assert.Equal(1, _sites.Entries[_siteB].Live.Samples);
    }

    [Fact]
    public void Of_two_fresh_overlapping_samples_the_newer_is_kept_whichever_starts_first()
    {
        var table = new TrackedObjectTable(_sites);
        table.Track(0x10_0040, 0x1000, _siteA); // freed unseen
        table.Track(0x10_0000, 0x1000, _siteB); // allocated later, starting below it
        table.Track(0x20_0000, 0x1000, _siteB); // allocated first, freed unseen
        table.Track(0x20_0040, 0x1000, _siteA); // allocated later, starting above it
        table.Merge();
        Assert.Equal([(0x10_0000UL, _siteB), (0x20_0040UL, _siteA)], table.ToArray().Select(o => (o.Address, o.Site)));
        Assert.Equal(2, table.Deaths);
    }

    [Fact]
    public void Among_many_fresh_samples_every_reused_address_keeps_its_newest_sample()
    {
        // Enough samples for the sort to be an unstable introsort: the sample order decides, not the sort.
        var table = new TrackedObjectTable(_sites);
        const int Addresses = 200;
        for (int round = 0; round < 3; round++)
        {
            for (ulong i = 0; i < Addresses; i++)
            {
                table.Track(0x100_0000 + (((i * 7) % Addresses) * 0x2_0000), 100_016, round == 2 ? _siteB : _siteA);
            }
        }

        table.Merge();
        Assert.Equal(Addresses, table.Count);
        Assert.All(table.ToArray(), o => Assert.Equal(_siteB, o.Site));
        Assert.Equal(0, _sites.Entries[_siteA].Live.Samples);
    }

    [Fact]
    public void A_range_that_covers_only_the_head_of_an_object_neither_keeps_nor_moves_it()
    {
        // The probe's ghost: a dead 10,024-byte array whose first 1,000 bytes a live plug (a small array now at its
        // address, and others after it) covers; the rest of its memory is free.
        const ulong Plug = 0x7f00_0000_ed78;
        const ulong Ghost = Plug + 0x800 - 1_000;
        const ulong Other = Plug + 0x1_0000;
        var table = new TrackedObjectTable(_sites);
        table.Track(Ghost, 10_024, _siteA);
        table.Track(Plug, 0x100, _siteB); // a live object in the same plug, wholly inside it
        table.Track(Other + 0xe0, 0x20, _siteB); // a live object ending exactly where its range ends
        table.Merge();

        table.MarkAll(TrackedObjectFlags.Condemned);
        table.Survive(Plug, 0x800);
        table.Survive(Other, 0x100);
        Assert.Equal(1, table.EndGc(TrackedObjectFlags.Condemned, applyMoves: true));
        Assert.Equal([Plug, Other + 0xe0], table.ToArray().Select(o => o.Address));

        table.Track(Ghost + 0x10_0000, 10_024, _siteA);
        table.Merge();
        table.MarkAll(TrackedObjectFlags.Condemned);
        table.Move(Plug, Plug + 0x40, 0x800);
        table.Move(Other, Other + 0x40, 0x100);
        table.Move(Ghost + 0x10_0000, Plug + 0x20_0000, 0x800); // its head only again, as a moved range
        Assert.Equal(1, table.EndGc(TrackedObjectFlags.Condemned, applyMoves: true));
        Assert.Equal([Plug + 0x40, Other + 0x120], table.ToArray().Select(o => o.Address));
        Assert.Equal(0, _sites.Entries[_siteA].Live.Samples);
        Assert.All(table.ToArray(), o => Assert.Equal(TrackedObjectFlags.None, o.Flags));
    }

    [Fact]
    public void Condemning_the_unreported_spares_what_was_reported_and_clears_the_other_flag()
    {
        TrackedObjectTable table = Merged((0x1000, 0x40, _siteA), (0x2000, 0x40, _siteA), (0x3000, 0x40, _siteB));
        table.Mark(0x2000, 0x4000, TrackedObjectFlags.BackgroundCondemned);
        table.Survive(0x3000, 0x40);
        table.CondemnUnreported(TrackedObjectFlags.BackgroundCondemned, TrackedObjectFlags.Condemned);
        Assert.Equal(
            [TrackedObjectFlags.Condemned, TrackedObjectFlags.Condemned, TrackedObjectFlags.Reported],
            table.ToArray().Select(o => o.Flags));
        Assert.Equal(2, table.EndGc(TrackedObjectFlags.Condemned, applyMoves: true));
        Assert.Equal([(0x3000UL, TrackedObjectFlags.None)], table.ToArray().Select(o => (o.Address, o.Flags)));
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

    /// <summary>A table tracking <paramref name="objects"/>, merged (sorted).</summary>
    private TrackedObjectTable Merged(params (ulong Address, long Size, int Site)[] objects)
    {
        var table = new TrackedObjectTable(_sites);
        foreach ((ulong address, long size, int site) in objects)
        {
            table.Track(address, size, site);
        }

        table.Merge();
        return table;
    }
}
