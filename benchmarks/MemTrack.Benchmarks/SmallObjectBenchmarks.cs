namespace MemTrack.Benchmarks;

/// <summary><see cref="SmallObjectWorkload"/> (40 million objects of 32 bytes, one in 100 kept) in every tracing mode.</summary>
public class SmallObjectBenchmarks : TracingModeBenchmarks
{
    protected override object RunWorkload() => SmallObjectWorkload.Run();
}
