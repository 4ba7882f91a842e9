namespace MemTrack;

/// <summary>Which memory a statistic counts.</summary>
public enum MemoryKind
{
    /// <summary>
    /// Memory still alive at the snapshot (tracemalloc's question). Not available yet:
    /// asking for it throws <see cref="NotSupportedException"/>.
    /// </summary>
    Live,

    /// <summary>Memory allocated since <see cref="MemTracker.Start(int)"/> or the last <see cref="MemTracker.ClearTraces"/>, dead or alive.</summary>
    Allocated,
}
