namespace MemTrack.Internal.Reporting;

/// <summary>What the running tracer knows besides a snapshot, for reports written while it runs.</summary>
/// <param name="TracerMemory">Bytes the tracer holds (<see cref="MemTracker.GetTracerMemory"/>).</param>
/// <param name="PeakLiveBytes">Estimated peak of traced live bytes, or null without live tracking.</param>
/// <param name="Health">The tracer's health when the snapshot was taken; a report warns when it failed.</param>
/// <param name="ReadUpTo">
/// Set when the snapshot was taken before the reader caught up (a crashing process's report): the time of the last
/// sample it had read. Later samples are missing, and the report says so.
/// </param>
internal sealed record TracerFacts(long TracerMemory, long? PeakLiveBytes, TracerHealth? Health = null, DateTimeOffset? ReadUpTo = null);
