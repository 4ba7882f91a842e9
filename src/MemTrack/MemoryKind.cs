namespace MemTrack;

/// <summary>Which memory a statistic counts.</summary>
public enum MemoryKind
{
    /// <summary>
    /// Memory still alive at the snapshot, by the site that allocated it (tracemalloc's question, and the default).
    /// An object counts as alive until a garbage collection that collected its generation did not keep it; take the
    /// snapshot with <c>collect: true</c> to count only what a full collection keeps. Needs
    /// <see cref="MemTrackerOptions.TrackLiveObjects"/>.
    /// </summary>
    Live,

    /// <summary>Memory allocated since <see cref="MemTracker.Start(int)"/> or the last <see cref="MemTracker.ClearTraces"/>, dead or alive.</summary>
    Allocated,
}
