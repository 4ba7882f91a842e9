namespace MemTrack.Internal.Assertions;

/// <summary>A type that grew in every round of a leak check: its growth over the measured calls, and under which holders.</summary>
internal sealed record LeakedType(string TypeName, long CountGrowth, long SizeGrowth, IReadOnlyList<(string Holder, long CountGrowth, long SizeGrowth)> Holders);
