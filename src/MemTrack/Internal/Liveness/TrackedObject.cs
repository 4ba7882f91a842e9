using System.Runtime.InteropServices;

namespace MemTrack.Internal.Liveness;

/// <summary>One sampled object whose death MemTrack waits for.</summary>
[StructLayout(LayoutKind.Explicit)]
internal struct TrackedObject
{
    /// <summary>Where the object is now (before the relocations of a GC in progress).</summary>
    [FieldOffset(0)]
    public ulong Address;

    /// <summary>Where the GC in progress moved it; valid with <see cref="TrackedObjectFlags.Relocated"/>.</summary>
    [FieldOffset(8)]
    public ulong NewAddress;

    /// <summary>
    /// When it was sampled (a number that grows with every sample); valid with <see cref="TrackedObjectFlags.Fresh"/>.
    /// Shares <see cref="NewAddress"/>'s storage: a fresh object is merged before any GC can move it.
    /// </summary>
    [FieldOffset(8)]
    public ulong SampleOrder;

    [FieldOffset(16)]
    public long Size;

    /// <summary>Site-table slot of its allocation site.</summary>
    [FieldOffset(24)]
    public int Site;

    [FieldOffset(28)]
    public TrackedObjectFlags Flags;

    public readonly ulong End => Address + (ulong)Size;
}
