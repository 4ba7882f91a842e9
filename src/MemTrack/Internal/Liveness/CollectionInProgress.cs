namespace MemTrack.Internal.Liveness;

/// <summary>A garbage collection whose GCStart was seen and whose GCEnd was not yet.</summary>
/// <param name="number">The GC's number (GCStart's Count).</param>
/// <param name="condemnedGeneration">The oldest generation it collects (GCStart's Depth).</param>
/// <param name="background">Whether it is a background (concurrent) gen2 GC.</param>
/// <param name="lostAtStart">The session's count of lost events when its GCStart was read.</param>
internal sealed class CollectionInProgress(long number, int condemnedGeneration, bool background, long lostAtStart = 0)
{
    public long Number { get; } = number;

    public int CondemnedGeneration { get; } = condemnedGeneration;

    public bool Background { get; } = background;

    /// <summary>The session's count of lost events when its GCStart was read.</summary>
    public long LostAtStart { get; } = lostAtStart;

    /// <summary>Foreground GCs started while this (background) GC was in progress.</summary>
    public int ForegroundGcs { get; set; }

    /// <summary>The generation ranges reported right after its GCStart.</summary>
    public List<GenerationRange> Ranges { get; } = [];

    /// <summary>The flag its condemned objects carry.</summary>
    public TrackedObjectFlags Flag => Background ? TrackedObjectFlags.BackgroundCondemned : TrackedObjectFlags.Condemned;

    /// <summary>
    /// Whether objects in <paramref name="generation"/> can die in this GC. Not asked of a full blocking GC, which
    /// condemns every object (<see cref="GcLivenessTracker"/> marks them all).
    /// </summary>
    public bool Condemns(int generation) => Background ? generation >= 2 : generation <= CondemnedGeneration;
}
