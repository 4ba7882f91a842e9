namespace MemTrack.Internal.Liveness;

/// <summary>One address range of a generation (a region, or a segment part), as GCGenerationRange reports it.</summary>
/// <param name="Generation">0, 1, 2, 3 (large objects) or 4 (pinned objects).</param>
/// <param name="Start">First address.</param>
/// <param name="End">End of the used part (exclusive).</param>
internal readonly record struct GenerationRange(int Generation, ulong Start, ulong End);
