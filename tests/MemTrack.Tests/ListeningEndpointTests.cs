using MemTrack.Tests.TestSupport;
using Xunit.Abstractions;

namespace MemTrack.Tests;

/// <summary>
/// The tracer talks to the runtime through the runtime's own diagnostics socket (per process and user, created at
/// startup); it opens no endpoint of its own that another process could connect to.
/// </summary>
[Collection(TracerCollection.Name)]
public sealed class ListeningEndpointTests(ITestOutputHelper output) : IDisposable
{
    public void Dispose() => MemTracker.Stop();

    [Trait("Category", "Slow")]
    [Fact]
    public void TracingAndHeapCapturesOpenNoNewListeningEndpoint()
    {
        if (!ProcessResources.Available)
        {
            return; // reads Linux's /proc
        }

        MemTracker.Stop();
        SortedSet<string> before = ProcessResources.ListeningEndpoints();
        output.WriteLine("listening before Start: " + string.Join("; ", before));
        Assert.Contains(before, endpoint => endpoint.StartsWith("unix ", StringComparison.Ordinal)
            && endpoint.Contains($"dotnet-diagnostic-{Environment.ProcessId}-", StringComparison.Ordinal));
        int socketsBefore = ProcessResources.SocketInodes().Count;

        MemTracker.Start(new MemTrackerOptions { Depth = 5 });
        _ = MemTracker.TakeSnapshot();
        SortedSet<string> tracing = ProcessResources.ListeningEndpoints();
        int socketsTracing = ProcessResources.SocketInodes().Count;
        HeapSnapshot heap = HeapSnapshot.Capture();
        SortedSet<string> afterCapture = ProcessResources.ListeningEndpoints();
        MemTracker.Stop();
        SortedSet<string> after = ProcessResources.ListeningEndpoints();

        output.WriteLine($"sockets: {socketsBefore} before, {socketsTracing} while tracing; heap capture of {heap.ObjectCount} objects");
        Assert.True(socketsTracing > socketsBefore, "the tracing session's connection to the runtime was not seen: the socket count cannot prove anything");
        Assert.Equal(before, tracing);
        Assert.Equal(before, afterCapture);
        Assert.Equal(before, after);
    }
}
