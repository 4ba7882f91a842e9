using BenchmarkDotNet.Attributes;

namespace MemTrack.Benchmarks;

/// <summary>
/// Latency of <see cref="MemTracker.TakeSnapshot"/> while tracing at depth 10, after the seed workload ran once (its
/// result is kept alive, as the article's <c>x = waste_memory.run()</c> does).
/// </summary>
[Config(typeof(ShortConfig))]
[MemoryDiagnoser]
public class SnapshotBenchmarks
{
    private List<List<SeedWorkload.MyObject>>? _held;

    [GlobalSetup]
    public void Setup()
    {
        MemTracker.Stop();
        MemTracker.Start(new MemTrackerOptions { Depth = 10 });
        _held = SeedWorkload.Run();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        MemTracker.Stop();
        _held = null;
    }

    [Benchmark(Description = "TakeSnapshot, depth 10, after seed workload")]
    public Snapshot TakeSnapshot() => MemTracker.TakeSnapshot();
}
