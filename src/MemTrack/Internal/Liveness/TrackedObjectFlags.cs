namespace MemTrack.Internal.Liveness;

/// <summary>Per-object state during garbage collections.</summary>
[Flags]
internal enum TrackedObjectFlags : byte
{
    None = 0,

    /// <summary>In a generation the blocking (or foreground) GC in progress condemned; dies unless reported as surviving.</summary>
    Condemned = 1,

    /// <summary>In a generation the background GC in progress condemned; dies unless reported as surviving.</summary>
    BackgroundCondemned = 2,

    /// <summary>Condemned by either GC in progress: what a surviving or moved range clears.</summary>
    AnyCondemned = Condemned | BackgroundCondemned,

    /// <summary>Moved by the GC in progress; the move is applied when that GC ends.</summary>
    Relocated = 4,

    /// <summary>Allocated since the last GC started (not yet merged into the sorted table).</summary>
    Fresh = 8,

    /// <summary>
    /// Reported as surviving or moved by a GC in progress (cleared when a GC ends): what a GC announced as background
    /// but found compacting (<see cref="GcLivenessTracker"/>) must not condemn.
    /// </summary>
    Reported = 16,
}
