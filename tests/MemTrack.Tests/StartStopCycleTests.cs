using System.Diagnostics;
using System.Globalization;
using MemTrack.Tests.Shared;
using MemTrack.Tests.TestSupport;
using Xunit.Abstractions;

namespace MemTrack.Tests;

/// <summary>
/// Start/Stop cycles leak nothing: no thread, file descriptor, EventPipe session or memory is left behind. The CI run
/// does 70 cycles: each opens two EventPipe sessions (the rundown and the tracing session) and the runtime allows 64 at a
/// time, so a cycle that leaked a session would make a later Start fail. MEMTRACK_STRESS_CYCLES=1000 runs the long
/// version; the figures are written to the test output.
/// </summary>
[Trait("Category", "Slow")]
[Collection(TracerCollection.Name)]
public sealed class StartStopCycleTests(ITestOutputHelper output) : IDisposable
{
    private const int WarmUpCycles = 3;

    // Noise of the test host against what a leak per cycle would add over 70 cycles (70 threads, 70 descriptors, 70
    // tracers' tables). Seen (70 and 1,000 cycles alike): the runtime's background GC thread appears, the thread pool
    // grows by about 10 workers (not counted: it retires idle workers itself), 2 to 4 more descriptors, the GC heap
    // flat, RSS 50 to 63 MB higher (the EventPipe buffers' memory stays with the allocator).
    private const int AllowedThreadGrowth = 4;
    private const int AllowedDescriptorGrowth = 8;
    private const long AllowedHeapGrowth = 8L << 20;
    private const long AllowedResidentGrowth = 128L << 20;

    public void Dispose() => MemTracker.Stop();

    [Fact]
    public void StartStopCyclesLeakNoThreadDescriptorSessionOrMemory()
    {
        int cycles = TestSettings.Int("MEMTRACK_STRESS_CYCLES", 70);
        MemTracker.Stop();
        for (int i = 0; i < WarmUpCycles; i++)
        {
            Cycle(i, null, null);
        }

        Resources before = Resources.Measure();
        if (ProcessResources.Available)
        {
            output.WriteLine("threads before: " + ProcessResources.ThreadNames());
        }

        var starts = new Durations();
        var stops = new Durations();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < cycles; i++)
        {
            Cycle(i, starts, stops);
        }

        TimeSpan elapsed = clock.Elapsed;
        Resources after = Resources.Measure();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cycles} cycles in {elapsed.TotalSeconds:0.0} s; Start: {starts}; Stop: {stops}"));
        output.WriteLine($"before: {before}");
        output.WriteLine($"after:  {after}");
        if (ProcessResources.Available)
        {
            output.WriteLine("threads after: " + ProcessResources.ThreadNames());
        }

        Assert.False(MemTracker.IsTracing);
        if (ProcessResources.Available)
        {
            Assert.Empty(after.MemTrackThreads);
            Assert.True(
                after.Threads - after.PoolWorkers - (before.Threads - before.PoolWorkers) <= AllowedThreadGrowth,
                $"threads other than the pool's workers grew from {before.Threads - before.PoolWorkers} to {after.Threads - after.PoolWorkers}");
            Assert.True(after.Descriptors - before.Descriptors <= AllowedDescriptorGrowth, $"file descriptors grew from {before.Descriptors} to {after.Descriptors}");
            Assert.True(after.Resident - before.Resident <= AllowedResidentGrowth, $"RSS grew from {before.Resident >> 20} MB to {after.Resident >> 20} MB");
        }

        Assert.True(after.Heap - before.Heap <= AllowedHeapGrowth, $"the GC heap grew from {before.Heap >> 10} KB to {after.Heap >> 10} KB");
    }

    /// <summary>Start, (every tenth cycle) a snapshot, Stop; alternating live tracking on and off.</summary>
    private static void Cycle(int index, Durations? starts, Durations? stops)
    {
        var clock = Stopwatch.StartNew();
        MemTracker.Start(new MemTrackerOptions { Depth = 4, TrackLiveObjects = index % 2 == 0 });
        starts?.Add(clock.Elapsed);
        Assert.True(MemTracker.IsTracing);
        if (index % 10 == 0)
        {
            _ = MemTracker.TakeSnapshot();
        }

        clock.Restart();
        MemTracker.Stop();
        stops?.Add(clock.Elapsed);
        Assert.False(MemTracker.IsTracing);
    }

    /// <summary>What the process holds once MemTrack's threads have ended and a full GC has run.</summary>
    private sealed record Resources(int Threads, int PoolWorkers, IReadOnlyList<string> MemTrackThreads, int Descriptors, long Heap, long Resident)
    {
        public static Resources Measure()
        {
            IReadOnlyList<string> memTrackThreads = ProcessResources.Available ? ProcessResources.WaitForNoMemTrackThreads(TimeSpan.FromSeconds(10)) : [];
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long heap = GC.GetTotalMemory(forceFullCollection: true);
            return ProcessResources.Available
                ? new Resources(ProcessResources.ThreadCount, ProcessResources.PoolWorkerCount, memTrackThreads, ProcessResources.DescriptorCount, heap, ProcessResources.ResidentBytes)
                : new Resources(0, 0, memTrackThreads, 0, heap, 0);
        }

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"threads {Threads} (pool workers: {PoolWorkers}; MemTrack's: {MemTrackThreads.Count}), file descriptors {Descriptors}, GC heap {Heap / 1024.0 / 1024:0.0} MB, RSS {Resident / 1024.0 / 1024:0.0} MB");
    }
}
