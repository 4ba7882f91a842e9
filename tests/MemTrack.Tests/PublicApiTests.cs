using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>
/// Tracks the public surface: the API, listed by reflection, must equal src/MemTrack/PublicAPI.Shipped.txt plus
/// PublicAPI.Unshipped.txt. Run with MEMTRACK_UPDATE_PUBLIC_API=1 to rewrite Unshipped after an intended change.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApiMatchesTheTrackedFiles() =>
        PublicApi.AssertMatchesTrackedFiles(typeof(MemTracker).Assembly, Path.Combine("src", "MemTrack"));

    [Fact]
    public void EveryNonPublicTypeIsInternalAndSealedOrStatic() =>
        PublicApi.AssertInternalTypesAreSealedOrStatic(typeof(MemTracker).Assembly, "MemTrack.Internal");
}
