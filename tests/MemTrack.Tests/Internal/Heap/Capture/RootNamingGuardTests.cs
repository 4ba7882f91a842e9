using MemTrack.Internal.Diagnostics;
using MemTrack.Internal.Heap.Capture;
using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests.Internal.Heap.Capture;

/// <summary>
/// Failures of the naming steps never escape a capture: the runtime's names are kept and the failure goes to the
/// MemTrack event source. Real captures of this process, with the guard's fault seam.
/// </summary>
[Collection(TracerCollection.Name)]
public sealed class RootNamingGuardTests : IDisposable
{
    private static readonly List<RootNamingGuardTests> s_rootNamingGuardHeld = [];

    public void Dispose()
    {
        RootNamingGuard.FaultForTests = null;
        s_rootNamingGuardHeld.Clear();
    }

    [Fact]
    public void A_static_root_naming_failure_keeps_the_runtimes_names_and_is_reported()
    {
        using var listener = new DiagnosticsListener();
        string marker = Guid.NewGuid().ToString("N");
        s_rootNamingGuardHeld.Add(this);
        RootNamingGuard.FaultForTests = step => throw new TypeLoadException(step + " " + marker);

        HeapSnapshot heap = HeapSnapshot.Capture();

        HeapGraph graph = heap.Graph;
        string list = RuntimeTypeName.Of(typeof(List<RootNamingGuardTests>));
        Assert.Contains(graph.Roots, r => r.Kind == RootKind.StaticField && r.Name == StaticFieldNames.Unresolved(nameof(s_rootNamingGuardHeld), list).Name);
        Assert.DoesNotContain(graph.Roots, r => r.Name is RuntimeStaticRoots.StaticsTable or RuntimeStaticRoots.ThreadStaticStorage);
        Assert.Contains(heap.ObjectsOfType(typeof(RootNamingGuardTests)), o => heap.FindPathToRoot(o) is not null);
        Assert.Equal(
            "TypeLoadException: " + RootNamingGuard.StaticRootStep + " " + marker,
            Assert.Single(listener.Of(MemTrackDiagnostics.HeapNamingFailedId), e => ((string)e["error"]!).Contains(marker, StringComparison.Ordinal))["error"]);
    }

    [Fact]
    public void A_failure_adding_the_runtimes_static_roots_keeps_the_graph_and_is_reported()
    {
        using var listener = new DiagnosticsListener();
        string marker = Guid.NewGuid().ToString("N");
        s_rootNamingGuardHeld.Add(this);
        RootNamingGuard.FaultForTests = step =>
        {
            if (step == RootNamingGuard.RuntimeRootsStep)
            {
                throw new FileNotFoundException(marker);
            }
        };

        HeapSnapshot heap = HeapSnapshot.Capture();

        string expected = typeof(RootNamingGuardTests).FullName + "." + nameof(s_rootNamingGuardHeld);
        Assert.Contains(heap.Graph.Roots, r => r.Kind == RootKind.StaticField && r.Name == expected);
        Assert.DoesNotContain(heap.Graph.Roots, r => r.Name is RuntimeStaticRoots.StaticsTable or RuntimeStaticRoots.ThreadStaticStorage);
        Assert.Single(listener.Of(MemTrackDiagnostics.HeapNamingFailedId), e => ((string)e["error"]!).Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_failure_nothing_is_reported()
    {
        using var listener = new DiagnosticsListener();
        s_rootNamingGuardHeld.Add(this);

        HeapSnapshot heap = HeapSnapshot.Capture();

        Assert.Contains(heap.Graph.Roots, r => r.Name == RuntimeStaticRoots.StaticsTable);
        Assert.Empty(listener.Of(MemTrackDiagnostics.HeapNamingFailedId));
    }
}
