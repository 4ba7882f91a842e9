using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>
/// Non-public types stay internal, sealed or static. The public surface is tracked by the compiler
/// (PublicApiAnalyzers, PublicAPI.*.txt next to the project): a change not listed there fails the build.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void EveryNonPublicTypeIsInternalAndSealedOrStatic() =>
        PublicApi.AssertInternalTypesAreSealedOrStatic(typeof(MemTracker).Assembly, "MemTrack.Internal");
}
