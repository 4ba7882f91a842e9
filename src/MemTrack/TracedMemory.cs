namespace MemTrack;

/// <summary>
/// The traced live memory (tracemalloc's <c>get_traced_memory</c>): estimated bytes of the sampled objects not yet
/// found dead, now and at the peak. An object counts until a garbage collection that collected its generation did not
/// keep it, so garbage made since the last GC still counts. Estimates, with the uncertainty of
/// <see cref="Snapshot.Traces"/>; the peak is the highest estimate seen, so it leans high.
/// </summary>
/// <param name="Current">Estimated live bytes now.</param>
/// <param name="Peak">Highest <paramref name="Current"/> since <see cref="MemTracker.Start(int)"/>, the last <see cref="MemTracker.ClearTraces"/> or the last <see cref="MemTracker.ResetPeak"/>.</param>
public readonly record struct TracedMemory(long Current, long Peak);
