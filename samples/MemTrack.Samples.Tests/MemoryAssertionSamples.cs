using System.Runtime.CompilerServices;

namespace MemTrack.Samples.Tests;

/// <summary>
/// One test per assertion, as you would copy it. Each failing case is wrapped in Assert.Throws so this project stays
/// green; in your suite, call the assertion directly and let it fail the test.
/// </summary>
public sealed class MemoryAssertionSamples : IDisposable
{
    private readonly OrderService _service = new();

    public void Dispose()
    {
        OrderService.ClearAudit();
        Connection.LastOpened = null;
    }

    [Fact]
    public void TheHotPathAllocatesNothing()
    {
        int[] quantities = [1, 2, 3];
        MemoryAssert.AllocatesNothing(() => _service.Total(quantities), iterations: 1000);
    }

    [Fact]
    public void DescribeStaysWithinItsBudget()
    {
        MemoryAssert.AllocatesAtMost(1024, () => _service.Describe(42));

        // Too tight: the message has the exact bytes per call and the line that allocates them.
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.AllocatesAtMost(64, () => _service.Describe(42)));
        Assert.Contains("bytes per iteration were allocated", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsyncCodeIsMeasuredProcessWide()
    {
        await MemoryAssert.AllocatesAtMostAsync(64 * 1024, async () => await Task.Yield(), iterations: 10);
    }

    [Fact]
    public void ACacheThatFillsOnceIsNotALeak()
    {
        MemoryAssert.NoLeaks(() => _service.Price(7));
    }

    [Fact]
    public void PlacingOrdersLeaksThemIntoTheAuditTrail()
    {
        // The message names the type that grew, by how much, and the static field that holds it.
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.NoLeaks(() => _service.Place(1)));
        Assert.Contains("AuditTrail", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConnectionIsCollectedAfterDispose()
    {
        MemoryAssert.Collected(OpenAndDispose(remember: false));

        // Remembered in a static: still alive, and the message shows the path from the static field.
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.Collected(OpenAndDispose(remember: true)));
        Assert.Contains("LastOpened", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoOrderOutlivesTheTest()
    {
        MemoryAssert.InstancesOf<Order>(maxCount: 0);
    }

    [Fact]
    public void NoLineOfTheServiceAllocatesMoreThanTenMegabytes()
    {
        using TracedRegion trace = MemTracker.Trace(depth: 10);
        for (int i = 0; i < 10_000; i++)
        {
            _service.Describe(i);
        }

        // Sampled estimates per source line, with their uncertainty.
        var serviceLines = trace.CompareToStart(KeyType.LineNo, kind: MemoryKind.Allocated)
            .Where(line => line.Traceback.Count > 0 && line.Traceback[0].FileName?.EndsWith("OrderService.cs", StringComparison.Ordinal) == true)
            .ToList();
        Assert.NotEmpty(serviceLines);
        Assert.All(serviceLines, line => Assert.True(line.SizeDiff < 10 << 20, line.ToString()));
    }

    [Fact]
    public void AScopeMeasuresABlockExactly()
    {
        int[] quantities = [1, 2, 3];
        _service.Total(quantities); // the first call may load types: measure a warm path
        long allocated;
        using (var scope = AllocationScope.Begin())
        {
            _service.Total(quantities);
            allocated = scope.AllocatedBytes;
        }

        Assert.Equal(0, allocated);
    }

    // In a Debug build a local keeps its object alive until the method returns: create it in a method of its own.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<Connection> OpenAndDispose(bool remember)
    {
        var connection = new Connection();
        if (remember)
        {
            Connection.LastOpened = connection;
        }

        connection.Dispose();
        return new WeakReference<Connection>(connection);
    }
}
