namespace MemTrack.Benchmarks;

/// <summary><see cref="ConcurrentWorkload"/> in every tracing mode.</summary>
public class ConcurrentBenchmarks : TracingModeBenchmarks
{
    protected override object RunWorkload() => ConcurrentWorkload.Run();
}
