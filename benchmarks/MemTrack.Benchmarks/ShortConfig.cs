using BenchmarkDotNet.Jobs;

namespace MemTrack.Benchmarks;

/// <summary>
/// A short configuration for a shared 2-core machine: one launch, 2 warm-up and 8 measured iterations, so the whole
/// suite runs in minutes. Not precise: expect several percent of noise.
/// </summary>
public sealed class ShortConfig() : BenchConfig(Job.Default
    .WithLaunchCount(1)
    .WithWarmupCount(2)
    .WithIterationCount(8)
    .WithId("Short"));
