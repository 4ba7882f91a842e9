using System.Runtime.CompilerServices;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>Exact allocation scopes, on one thread and process-wide, and their sampled sites when the tracer runs.</summary>
[Collection(TracerCollection.Name)]
public sealed class AllocationScopeTests : IDisposable
{
    public void Dispose() => MemTracker.Stop();

    [Fact]
    public void CountsTheCurrentThreadExactly()
    {
        using var noise = new BackgroundAllocator();
        noise.WaitUntilRunning();
        WarmUp();
        long mark = noise.Allocations;
        long during;
        AllocationScope scope = AllocationScope.Begin();
        using (scope)
        {
            Allocate(1000);
            during = noise.WaitForMore(mark); // the other thread allocates while the scope is open; waiting allocates nothing
        }

        Assert.True(during > mark + 1, $"the background thread did not allocate in the scope: {mark} -> {during}");

        // A byte[1000]: 8 (header) + 8 (method table) + 8 (length) + 1000, rounded up to 8.
        Assert.Equal(1024, scope.AllocatedBytes);
        Assert.Equal(AllocationScopeKind.CurrentThread, scope.Kind);
        Assert.Null(scope.Snapshot);
        Assert.Equal("AllocationScope (CurrentThread): 1024 bytes", scope.ToString());
    }

    [Fact]
    public void AnOpenScopeReportsSoFarAndAnEndedOneStaysFrozen()
    {
        WarmUp();
        AllocationScope scope = AllocationScope.Begin();
        Allocate(1000);
        long soFar = scope.AllocatedBytes;
        Allocate(1000);
        scope.Dispose();
        Allocate(1000);
        scope.Dispose();
        Assert.Equal(1024, soFar);
        Assert.Equal(2048, scope.AllocatedBytes);
    }

    [Fact]
    public async Task AProcessWideScopeCountsOtherThreads()
    {
        AllocationScope scope = AllocationScope.Begin(AllocationScopeKind.Process);
        using (scope)
        {
            await Task.Run(() => Allocate(1 << 20));
        }

        Assert.InRange(scope.AllocatedBytes, (1 << 20) + 24, (1 << 20) + (4 << 20));
    }

    [Fact]
    public void ACurrentThreadScopeEndedOnAnotherThreadRefusesToGiveAWrongFigure()
    {
        AllocationScope scope = AllocationScope.Begin();
        var other = new Thread(scope.Dispose);
        other.Start();
        Assert.True(other.Join(TimeSpan.FromSeconds(10)));
        var failure = Assert.Throws<InvalidOperationException>(() => scope.AllocatedBytes);
        Assert.Contains("AllocationScopeKind.Process", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("AllocationScope (CurrentThread) of thread ", scope.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void WithTheTracerRunningTheSnapshotHoldsTheSitesOfTheScopeOnly()
    {
        MemTracker.Start(new MemTrackerOptions { Depth = 3, TrackLiveObjects = false });
        for (int i = 0; i < 100; i++)
        {
            Allocate(8 * 1024); // before the scope: must not appear in it
        }

        AllocationScope scope = AllocationScope.Begin();
        using (scope)
        {
            for (int i = 0; i < 1000; i++)
            {
                AllocateInScope(16 * 1024);
            }
        }

        Snapshot snapshot = Assert.IsType<Snapshot>(scope.Snapshot);
        Assert.False(snapshot.HasLiveData);
        Trace inScope = snapshot.Traces.Where(t => t.Traceback[0].Method.EndsWith(nameof(AllocateInScope), StringComparison.Ordinal)).OrderByDescending(t => t.Size).First();
        Assert.Equal("System.Byte[]", inScope.TypeName);
        long exact = 1000L * ((16 * 1024) + 24);
        Assert.InRange(exact, inScope.Size - (2 * inScope.SizeMargin), inScope.Size + (2 * inScope.SizeMargin));
        Assert.DoesNotContain(snapshot.Traces, t => t.Traceback[0].Method.EndsWith(nameof(Allocate), StringComparison.Ordinal));
        Assert.True(snapshot.ExactAllocatedBytes >= exact, $"{snapshot.ExactAllocatedBytes} < {exact}");
    }

    [Fact]
    public void AnUnknownKindIsRejected() =>
        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => AllocationScope.Begin((AllocationScopeKind)7)).ParamName);

    /// <summary>First calls compile and load what the exact figures must not include.</summary>
    private static void WarmUp()
    {
        using AllocationScope scope = AllocationScope.Begin();
        Allocate(1000);
        _ = scope.AllocatedBytes;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Allocate(int size) => GC.KeepAlive(new byte[size]);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateInScope(int size) => GC.KeepAlive(new byte[size]);
}
