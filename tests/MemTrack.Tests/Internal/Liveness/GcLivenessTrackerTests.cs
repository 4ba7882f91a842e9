using MemTrack.Internal.Liveness;
using MemTrack.Internal.Sites;

namespace MemTrack.Tests.Internal.Liveness;

/// <summary>
/// The GC event protocol as the runtime sends it (measured on .NET 10 with regions): GCStart, one GCGenerationRange per
/// region from gen 4 down to gen 0, surviving or moved ranges, the ranges again, GCEnd. A background GC's number comes
/// before the foreground GCs that run inside it; its own survivors come after its sweep, before its GCEnd.
/// </summary>
public sealed class GcLivenessTrackerTests
{
    private const ulong Gen0 = 0x10_0000;
    private const ulong Gen1 = 0x20_0000;
    private const ulong Gen2 = 0x30_0000;
    private const ulong Loh = 0x40_0000;
    private const ulong Poh = 0x50_0000;
    private const ulong RegionSize = 0x10_0000;

    private readonly SiteTable _sites = new(10);
    private readonly TrackedObjectTable _objects;
    private readonly GcLivenessTracker _tracker;
    private readonly int _site;

    public GcLivenessTrackerTests()
    {
        _objects = new TrackedObjectTable(_sites);
        _tracker = new GcLivenessTracker(_objects);
        _site = _sites.Add(1, 1, 64);
    }

    [Fact]
    public void Gen0_gc_kills_unreported_gen0_objects_and_leaves_older_generations_alone()
    {
        Track(Gen0 + 0x100, Gen0 + 0x200, Gen2 + 0x100, Loh + 0x100);
        StartGc(1, condemned: 0);
        _tracker.OnMovedRange(Gen0 + 0x100, Gen1 + 0x40, 0x80);
        EndGc(1);
        Assert.Equal([Gen1 + 0x40, Gen2 + 0x100, Loh + 0x100], Addresses());
        Assert.Equal(1, _tracker.CompletedGcs);
    }

    [Fact]
    public void Sweeping_gen1_gc_keeps_reported_survivors_in_place()
    {
        Track(Gen0 + 0x100, Gen1 + 0x100, Gen1 + 0x200);
        StartGc(2, condemned: 1);
        _tracker.OnSurvivingRange(Gen1 + 0x80, 0x100);
        _tracker.OnSurvivingRange(Gen0 + 0x100, 0x40);
        EndGc(2);
        Assert.Equal([Gen0 + 0x100, Gen1 + 0x100], Addresses());
    }

    [Fact]
    public void Full_blocking_gc_condemns_every_object_even_outside_every_range()
    {
        const ulong FreedRegion = 0x90_0000;
        Track(Gen0 + 0x100, Gen2 + 0x100, Loh + 0x100, Poh + 0x100, FreedRegion);
        StartGc(3, condemned: 2);
        _tracker.OnSurvivingRange(Loh + 0x100, 0x1000);
        _tracker.OnSurvivingRange(Poh + 0x100, 0x1000);
        _tracker.OnMovedRange(Gen2 + 0x100, Gen2, 0x40);
        EndGc(3);
        Assert.Equal([Gen2, Loh + 0x100, Poh + 0x100], Addresses());
    }

    [Fact]
    public void Background_gc_condemns_gen2_loh_and_poh_and_its_foreground_gcs_run_inside_it()
    {
        Track(Gen0 + 0x100, Gen0 + 0x200, Gen2 + 0x100, Gen2 + 0x200, Loh + 0x100, Loh + 0x200, Poh + 0x100);
        _tracker.OnGcStart(10, 2, background: true);
        ReportRanges();

        // The foreground gen1 GC numbered after it: kills the gen0 object it does not report, keeps the other.
        StartGc(11, condemned: 1);
        _tracker.OnSurvivingRange(Gen0 + 0x200, 0x40);
        EndGc(11);
        Track(Gen2 + 0x800); // promoted or allocated during the background GC: not condemned by it

        // The background GC's survivor walk (after its sweep) reports gen0 objects too, which changes nothing.
        _tracker.OnSurvivingRange(Gen0, RegionSize);
        _tracker.OnSurvivingRange(Gen2 + 0x200, 0x40);
        _tracker.OnSurvivingRange(Loh + 0x100, 0x40);
        EndGc(10);
        Assert.Equal([Gen0 + 0x200, Gen2 + 0x200, Gen2 + 0x800, Loh + 0x100], Addresses());
    }

    [Fact]
    public void A_gc_without_generation_ranges_condemns_nothing()
    {
        Track(Gen0 + 0x100, Gen2 + 0x100);
        _tracker.OnGcStart(4, 2, background: false);
        _tracker.OnGcEnd(4);
        Assert.Equal(2, _objects.Count);
    }

    [Fact]
    public void The_range_group_at_the_end_of_a_gc_is_not_read_as_the_start_group()
    {
        // Nothing survived: the start group is directly followed by the end group, where gen0's region is now gen1.
        Track(Gen0 + 0x100, Gen1 + 0x100);
        StartGc(5, condemned: 0);
        _tracker.OnGenerationRange(4, Poh, 0x100);
        _tracker.OnGenerationRange(3, Loh, 0x100);
        _tracker.OnGenerationRange(2, Gen2, 0x100);
        _tracker.OnGenerationRange(1, Gen1, RegionSize); // gen1 now; condemned-by-gen0 rules must not apply to it
        _tracker.OnGenerationRange(0, Gen0, RegionSize);
        EndGc(5);
        Assert.Equal([Gen1 + 0x100], Addresses());
    }

    [Fact]
    public void A_lost_gc_end_keeps_the_objects_and_applies_the_moves()
    {
        Track(Gen0 + 0x100, Gen0 + 0x200);
        StartGc(6, condemned: 0);
        _tracker.OnMovedRange(Gen0 + 0x100, Gen1 + 0x100, 0x40);
        StartGc(7, condemned: 0); // GCEnd 6 never came
        Assert.Equal(1, _tracker.IncompleteGcs);
        _tracker.OnSurvivingRange(Gen0 + 0x200, 0x40);
        EndGc(7);
        Assert.Equal([Gen0 + 0x200, Gen1 + 0x100], Addresses());
    }

    [Fact]
    public void Unknown_gc_ends_and_stray_ranges_change_nothing()
    {
        Track(Gen0 + 0x100);
        _tracker.OnGenerationRange(0, Gen0, RegionSize);
        _tracker.OnSurvivingRange(Gen0, RegionSize);
        Assert.Equal(0, _tracker.OnGcEnd(99));
        Assert.Equal(1, _objects.Count);
    }

    [Fact]
    public void Objects_sampled_between_gcs_are_tracked_through_the_next_one()
    {
        StartGc(8, condemned: 0);
        EndGc(8);
        Track(Gen0 + 0x100, Gen0 + 0x140);
        StartGc(9, condemned: 0);
        _tracker.OnMovedRange(Gen0 + 0x140, Gen1, 0x40);
        EndGc(9);
        Assert.Equal([Gen1], Addresses());
        Assert.Equal(1, _sites.Entries[_site].Live.Samples);
    }

    [Fact]
    public void A_gc_announced_as_background_that_moves_objects_is_a_blocking_gen2_gc()
    {
        // Seen under server GC: GCStart says BackgroundGC, then the large objects' surviving ranges, then moved ranges
        // for the small object heap, then GCEnd, with no foreground GC inside.
        Track(Gen0 + 0x100, Gen0 + 0x200, Gen1 + 0x100, Gen2 + 0x100, Gen2 + 0x200, Loh + 0x100, Loh + 0x200);
        _tracker.OnGcStart(7, 2, background: true);
        ReportRanges();
        _tracker.OnSurvivingRange(Loh + 0x100, 0x40);
        _tracker.OnMovedRange(Gen2 + 0x100, Gen2, 0x40);
        _tracker.OnMovedRange(Gen0 + 0x100, Gen2 + 0x40, 0x40);
        EndGc(7);
        Assert.Equal([Gen2, Gen2 + 0x40, Loh + 0x100], Addresses());
        Assert.All(_objects.ToArray(), o => Assert.Equal(TrackedObjectFlags.None, o.Flags));

        // The next GC's moves apply to the new addresses (no flag of the last GC is left to block them).
        StartGc(8, condemned: 1);
        _tracker.OnMovedRange(Gen2, Gen1, 0x80);
        EndGc(8);
        Assert.Equal([Gen1, Gen1 + 0x40, Loh + 0x100], Addresses());
        Assert.Equal(3, _sites.Entries[_site].Live.Samples);
    }

    [Fact]
    public void After_lost_events_a_moved_range_does_not_turn_a_background_gc_into_a_blocking_one()
    {
        // The moved range may come from a foreground GC whose GCStart was lost: nothing in gen2 may die for it.
        long lost = 0;
        var tracker = new GcLivenessTracker(_objects, () => lost);
        Track(Gen0 + 0x100, Gen2 + 0x100, Gen2 + 0x200);
        tracker.OnGcStart(30, 2, background: true);
        ReportRanges(tracker);
        lost = 5;
        tracker.OnMovedRange(Gen0 + 0x100, Gen1, 0x40);
        tracker.OnSurvivingRange(Gen2 + 0x100, 0x40);
        tracker.OnSurvivingRange(Gen2 + 0x200, 0x40);
        ReportRanges(tracker);
        tracker.OnGcEnd(30);
        Assert.Equal([Gen0 + 0x100, Gen2 + 0x100, Gen2 + 0x200], Addresses());
        Assert.Equal(3, _sites.Entries[_site].Live.Samples);
    }

    [Fact]
    public void A_moved_range_with_no_blocking_gc_in_progress_changes_nothing()
    {
        Track(Gen0 + 0x100, Gen2 + 0x100);
        _tracker.OnMovedRange(Gen0 + 0x100, Gen1, 0x40); // no GC at all
        _tracker.OnGcStart(10, 2, background: true);
        ReportRanges();
        StartGc(11, condemned: 0);
        _tracker.OnSurvivingRange(Gen0 + 0x100, 0x40);
        EndGc(11);
        _tracker.OnMovedRange(Gen2 + 0x100, Gen1, 0x40); // a real background GC (a foreground GC ran inside) moves nothing
        _tracker.OnSurvivingRange(Gen2 + 0x100, 0x40);
        EndGc(10);
        Assert.Equal([Gen0 + 0x100, Gen2 + 0x100], Addresses());
        Assert.All(_objects.ToArray(), o => Assert.Equal(TrackedObjectFlags.None, o.Flags));
    }

    [Fact]
    public void A_survivor_range_that_covers_only_the_head_of_a_dead_object_does_not_keep_it()
    {
        // The probe's ghost: a dead 10,024-byte array in gen2; after the background GC's sweep a live small array sits
        // at its address, so its survivor walk reports a run that covers the dead array's first 1,000 bytes only.
        const ulong Plug = Gen2 + 0xed78;
        _objects.Track(Plug + 0x800 - 1_000, 10_024, _site);
        _objects.Track(Plug + 0x10, 0x40, _site);
        _tracker.OnGcStart(20, 2, background: true);
        ReportRanges();
        StartGc(21, condemned: 0);
        EndGc(21);
        _tracker.OnSurvivingRange(Plug, 0x800);
        EndGc(20);
        Assert.Equal([Plug + 0x10], Addresses());
        Assert.Equal(1, _sites.Entries[_site].Live.Samples);
    }

    private void Track(params ulong[] addresses)
    {
        foreach (ulong address in addresses)
        {
            _objects.Track(address, 0x40, _site);
        }
    }

    private void StartGc(long number, int condemned)
    {
        _tracker.OnGcStart(number, condemned, background: false);
        ReportRanges();
    }

    private void ReportRanges() => ReportRanges(_tracker);

    private static void ReportRanges(GcLivenessTracker tracker)
    {
        tracker.OnGenerationRange(4, Poh, RegionSize);
        tracker.OnGenerationRange(3, Loh, RegionSize);
        tracker.OnGenerationRange(2, Gen2, RegionSize);
        tracker.OnGenerationRange(1, Gen1, RegionSize);
        tracker.OnGenerationRange(0, Gen0, RegionSize);
    }

    private void EndGc(long number)
    {
        ReportRanges();
        _tracker.OnGcEnd(number);
    }

    private ulong[] Addresses() => [.. _objects.ToArray().Select(o => o.Address)];
}
