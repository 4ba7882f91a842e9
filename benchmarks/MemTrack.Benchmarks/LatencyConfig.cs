using BenchmarkDotNet.Jobs;

namespace MemTrack.Benchmarks;

/// <summary>
/// One call per iteration (no batching, no unrolling), 3 warm-up and 30 measured iterations, so that Mean, P95 and Max
/// are those of single calls: for operations of tens to hundreds of milliseconds whose tail matters. No forced GC
/// between iterations (the benchmark decides what runs before each call) and no overhead evaluation (negligible
/// next to such calls, and each of its iterations would cost a full GC of the benchmark's heap).
/// </summary>
public sealed class LatencyConfig() : BenchConfig(Job.Default
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(30)
    .WithInvocationCount(1)
    .WithUnrollFactor(1)
    .WithGcForce(false)
    .WithEvaluateOverhead(false)
    .WithId("Latency"));
