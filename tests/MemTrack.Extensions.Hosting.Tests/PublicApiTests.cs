using MemTrack.Extensions.Hosting.Internal;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Extensions.Hosting.Tests;

/// <summary>
/// Tracks the package's public surface against src/MemTrack.Extensions.Hosting/PublicAPI.Shipped.txt plus
/// PublicAPI.Unshipped.txt, as tests/MemTrack.Tests does for MemTrack (MEMTRACK_UPDATE_PUBLIC_API=1 rewrites Unshipped).
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApiMatchesTheTrackedFiles() =>
        PublicApi.AssertMatchesTrackedFiles(typeof(MemTrackHostingOptions).Assembly, Path.Combine("src", "MemTrack.Extensions.Hosting"));

    [Fact]
    public void EveryNonPublicTypeIsInternalAndSealedOrStatic() =>
        PublicApi.AssertInternalTypesAreSealedOrStatic(typeof(MemTrackHostedService).Assembly, "MemTrack.Extensions.Hosting.Internal");
}
