namespace MemTrack.Benchmarks;

/// <summary>The seed workload (<see cref="SeedWorkload"/>: 2,000,000 objects, all reachable from the result) in every tracing mode.</summary>
public class SeedWorkloadBenchmarks : TracingModeBenchmarks
{
    protected override object RunWorkload() => SeedWorkload.Run();
}
