namespace MemTrack.Benchmarks;

/// <summary><see cref="ArrayStringWorkload"/> in every tracing mode.</summary>
public class ArrayStringBenchmarks : TracingModeBenchmarks
{
    protected override object RunWorkload() => ArrayStringWorkload.Run();
}
