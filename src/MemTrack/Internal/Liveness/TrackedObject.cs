namespace MemTrack.Internal.Liveness;

/// <summary>One sampled object whose death MemTrack waits for.</summary>
internal struct TrackedObject
{
    /// <summary>Where the object is now (before the relocations of a GC in progress).</summary>
    public ulong Address;

    /// <summary>Where the GC in progress moved it; valid with <see cref="TrackedObjectFlags.Relocated"/>.</summary>
    public ulong NewAddress;

    public long Size;

    /// <summary>Site-table slot of its allocation site.</summary>
    public int Site;

    public TrackedObjectFlags Flags;

    public readonly ulong End => Address + (ulong)Size;
}
