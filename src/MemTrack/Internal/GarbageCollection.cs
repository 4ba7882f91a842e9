namespace MemTrack.Internal;

/// <summary>The collections a look at what is really alive needs (heap assertions, snapshots with collect: true): every generation, compacting, finalizers included.</summary>
internal static class GarbageCollection
{
    public static void Full()
    {
        // Objects with finalizers survive the first collection (the finalization queue holds them); their
        // finalizers run, then the second collection frees them and what only they held.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
