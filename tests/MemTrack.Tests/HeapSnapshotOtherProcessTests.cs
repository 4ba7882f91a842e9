using System.Diagnostics;
using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.Shared;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>Heap captures of another process: tests/MemTrack.HookedApp waiting with its catalog of 20,000 byte[512].</summary>
[Collection(TracerCollection.Name)]
public sealed class HeapSnapshotOtherProcessTests : IDisposable
{
    private static readonly string AppPath = ChildProcess.SiblingOutput("MemTrack.Tests", "MemTrack.HookedApp", "MemTrack.HookedApp.dll");

    public void Dispose() => MemTracker.Stop();

    [Fact]
    public void CapturesAnotherProcessFromItsDumpAloneAndHasNoAllocationSites()
    {
        using WaitingChild child = WaitingChild.Start("dotnet", AppPath, "wait");
        MemTracker.Start(); // tracing here must not join this process's samples to the child's addresses

        HeapSnapshot heap = HeapSnapshot.Capture(child.Id, new HeapCaptureOptions { Timeout = TimeSpan.FromSeconds(30) });

        TypeStatistic bytes = heap.TypeStatistics().Single(t => t.TypeName == "System.Byte[]");
        Assert.InRange(bytes.Count, 20_000, 21_000);
        Assert.True(bytes.Size >= 20_000L * 512, bytes.ToString());
        Assert.Contains(heap.ObjectsOfType(typeof(byte[])), o => o.Size >= 512);
        Assert.DoesNotContain(heap.Graph.IsOwn, own => own); // nothing of the child is MemTrack's own
        Assert.Equal(heap.TotalSize, heap.TypeStatistics().Sum(t => t.Size));
        Assert.DoesNotContain(heap.TypeStatistics(), t => t.TypeName.StartsWith("MemTrack.", StringComparison.Ordinal));

        // Static roots keep the dump's field name; their declaring types are not looked up in this process's metadata.
        HeapRoot[] statics = [.. heap.Graph.Roots.Where(r => r.Kind == RootKind.StaticField)];
        Assert.NotEmpty(statics);
        Assert.All(statics, r => Assert.Contains(" (holding ", r.Name, StringComparison.Ordinal));

        Assert.False(heap.HasAllocationSites);
        var error = Assert.Throws<InvalidOperationException>(() => heap.AllocationSites(typeof(byte[])));
        Assert.Contains($"another process ({child.Id})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AProcessIdBelowOneIsOutOfRange(int processId)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => HeapSnapshot.Capture(processId));

        Assert.Equal("processId", error.ParamName);
    }

    [Fact]
    public void AProcessThatDoesNotRunIsDiagnosticsUnavailableWithinSeconds()
    {
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<DiagnosticsUnavailableException>(() => HeapSnapshot.Capture(int.MaxValue));

        Assert.StartsWith($"MemTrack could not reach the diagnostics server of process {int.MaxValue} (", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }
}
