using BenchmarkDotNet.Attributes;

namespace MemTrack.Benchmarks;

/// <summary>
/// Latency of <see cref="MemTracker.TakeSnapshot()"/> while tracing at depth 10, with and without live tracking, after
/// the seed workload ran once (its result is kept alive, as the article's <c>x = waste_memory.run()</c> does). One
/// call per iteration (<see cref="LatencyConfig"/>), so P95 and Max are those of single calls. Before each call the
/// caller either does nothing (calls back to back) or allocates 1 MB (ten 100 KB arrays), the usual case of a
/// snapshot taken right after the code under study; the runtime flushes its event buffers every 100 ms, which
/// bounds the latency from below.
/// </summary>
[Config(typeof(LatencyConfig))]
public class SnapshotBenchmarks
{
    private static readonly byte[]?[] Sink = new byte[10][];

    private List<List<SeedWorkload.MyObject>>? _held;

    [Params(false, true)]
    public bool LiveTracking { get; set; }

    [Params(false, true)]
    public bool AllocateBefore { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TracerModes.StartTracing(10, LiveTracking);
        _held = SeedWorkload.Run();
    }

    [IterationSetup]
    public void BeforeCall()
    {
        if (AllocateBefore)
        {
            for (int i = 0; i < Sink.Length; i++)
            {
                Sink[i] = new byte[100_000];
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        TracerModes.PrintCheckAndStop(nameof(SnapshotBenchmarks));
        _held = null;
        Array.Clear(Sink);
    }

    [Benchmark(Description = "TakeSnapshot, depth 10, after seed workload")]
    public Snapshot TakeSnapshot() => MemTracker.TakeSnapshot();
}
