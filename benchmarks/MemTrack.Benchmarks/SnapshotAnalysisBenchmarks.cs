using BenchmarkDotNet.Attributes;

namespace MemTrack.Benchmarks;

/// <summary>
/// <see cref="Snapshot.Statistics"/> and <see cref="Snapshot.CompareTo"/> (default kind: live memory) on synthetic
/// snapshots of 10,000 and 50,000 sites (<see cref="SyntheticSnapshots"/>: distinct depth-10 tracebacks; the two
/// snapshots of <c>CompareTo</c> share 70 % of their sites).
/// </summary>
[Config(typeof(ShortConfig))]
public class SnapshotAnalysisBenchmarks
{
    private Snapshot? _old;
    private Snapshot? _new;

    [Params(10_000, 50_000)]
    public int Sites { get; set; }

    [GlobalSetup]
    public void Setup() => (_old, _new) = SyntheticSnapshots.CreatePair(Sites);

    [Benchmark(Description = "Statistics(LineNo)")]
    public IReadOnlyList<Statistic> StatisticsLineNo() => _new!.Statistics(KeyType.LineNo);

    [Benchmark(Description = "Statistics(Traceback)")]
    public IReadOnlyList<Statistic> StatisticsTraceback() => _new!.Statistics(KeyType.Traceback);

    [Benchmark(Description = "CompareTo(LineNo)")]
    public IReadOnlyList<StatisticDiff> CompareToLineNo() => _new!.CompareTo(_old!, KeyType.LineNo);

    [Benchmark(Description = "CompareTo(Traceback)")]
    public IReadOnlyList<StatisticDiff> CompareToTraceback() => _new!.CompareTo(_old!, KeyType.Traceback);
}
