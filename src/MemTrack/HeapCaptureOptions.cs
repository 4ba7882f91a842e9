namespace MemTrack;

/// <summary>
/// Settings for <see cref="HeapSnapshot.Capture(HeapCaptureOptions)"/> and <see cref="HeapSnapshot.Capture(int, HeapCaptureOptions?)"/>.
/// Two options objects with equal values are equal.
/// </summary>
public sealed record HeapCaptureOptions
{
    /// <summary>Smallest allowed <see cref="BufferSizeMB"/>.</summary>
    public const int MinBufferSizeMB = 16;

    /// <summary>Largest allowed <see cref="BufferSizeMB"/>.</summary>
    public const int MaxBufferSizeMB = 16 * 1024;

    /// <summary>
    /// EventPipe buffer of the capture session, in MB. Default 1024; allowed 16 to 16,384. The runtime writes the whole
    /// heap graph during one blocking GC while no managed thread can read it, so the graph must fit: about 60 MB per
    /// million objects. Memory is committed only as the dump fills it, in the captured process. A heap that does not fit makes the capture fail
    /// with a <see cref="MemTrackException"/> that says to raise this value.
    /// </summary>
    public int BufferSizeMB { get; init; } = 1024;

    /// <summary>Longest wait for the dump to arrive. Default 60 s; allowed 1 s to 1 hour.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Checks the values and throws <see cref="ArgumentOutOfRangeException"/> naming the bad one.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferSizeMB, MinBufferSizeMB, nameof(BufferSizeMB));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BufferSizeMB, MaxBufferSizeMB, nameof(BufferSizeMB));
        ArgumentOutOfRangeException.ThrowIfLessThan(Timeout, TimeSpan.FromSeconds(1), nameof(Timeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Timeout, TimeSpan.FromHours(1), nameof(Timeout));
    }
}
