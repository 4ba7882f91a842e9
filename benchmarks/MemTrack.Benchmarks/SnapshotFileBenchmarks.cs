using BenchmarkDotNet.Attributes;

namespace MemTrack.Benchmarks;

/// <summary><see cref="Snapshot.Dump"/> and <see cref="Snapshot.Load"/> of synthetic snapshots of 10,000 and 50,000 sites, to a temporary file.</summary>
[Config(typeof(ShortConfig))]
public class SnapshotFileBenchmarks
{
    private readonly string _dumpPath = Path.Combine(Path.GetTempPath(), $"memtrack-bench-{Environment.ProcessId}-dump.memtrack");
    private readonly string _loadPath = Path.Combine(Path.GetTempPath(), $"memtrack-bench-{Environment.ProcessId}-load.memtrack");
    private Snapshot? _snapshot;

    [Params(10_000, 50_000)]
    public int Sites { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = SyntheticSnapshots.CreatePair(Sites).New;
        _snapshot.Dump(_loadPath);
        Console.WriteLine($"// Snapshot file of {Sites} sites: {new FileInfo(_loadPath).Length / 1e6:F2} MB");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        File.Delete(_dumpPath);
        File.Delete(_loadPath);
    }

    [Benchmark(Description = "Dump")]
    public void Dump() => _snapshot!.Dump(_dumpPath);

    [Benchmark(Description = "Load")]
    public Snapshot Load() => Snapshot.Load(_loadPath);
}
