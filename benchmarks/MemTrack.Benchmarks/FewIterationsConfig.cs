using BenchmarkDotNet.Jobs;

namespace MemTrack.Benchmarks;

/// <summary>
/// For operations of about a second that should not be repeated much (a heap capture forces a full GC and opens an
/// EventPipe session): one call per iteration, 1 warm-up and 3 measured iterations, no overhead evaluation
/// (negligible next to such calls).
/// </summary>
public sealed class FewIterationsConfig() : BenchConfig(Job.Default
    .WithLaunchCount(1)
    .WithWarmupCount(1)
    .WithIterationCount(3)
    .WithInvocationCount(1)
    .WithUnrollFactor(1)
    .WithEvaluateOverhead(false)
    .WithId("Few"));
