using BenchmarkDotNet.Attributes;

namespace MemTrack.Benchmarks;

/// <summary>
/// The seed workload (2,000,000 objects) untraced and traced at depth 1, 10 and 32. Tracing is process-wide, so each
/// benchmark has its own global setup that starts (or, for the baseline, stops) the tracer.
/// </summary>
[Config(typeof(ShortConfig))]
[MemoryDiagnoser]
public class SeedWorkloadBenchmarks
{
    [GlobalSetup(Target = nameof(Baseline))]
    public void SetupUntraced()
    {
        MemTracker.Stop();
        if (MemTracker.IsTracing)
        {
            throw new InvalidOperationException("The tracer is still on for the untraced baseline.");
        }
    }

    [GlobalSetup(Target = nameof(TracedDepth1))]
    public void SetupDepth1() => StartTracing(1);

    [GlobalSetup(Target = nameof(TracedDepth10))]
    public void SetupDepth10() => StartTracing(10);

    [GlobalSetup(Target = nameof(TracedDepth32))]
    public void SetupDepth32() => StartTracing(32);

    [GlobalCleanup]
    public void Cleanup()
    {
        if (MemTracker.IsTracing)
        {
            // Evidence that the tracer really sampled during the measured runs (BenchmarkDotNet shows this output in its log).
            var snapshot = MemTracker.TakeSnapshot();
            Console.WriteLine(
                $"// MemTrack check: depth {snapshot.TracebackLimit}, {snapshot.Traces.Count} traces, " +
                $"{snapshot.Traces.Sum(t => t.SampleCount)} samples, estimated {snapshot.Traces.Sum(t => t.Size) / 1e6:F0} MB of " +
                $"{snapshot.ExactAllocatedBytes / 1e6:F0} MB allocated, {snapshot.LostEvents} lost events, " +
                $"tracer memory {MemTracker.GetTracerMemory() / 1e6:F2} MB");
        }

        MemTracker.Stop();
    }

    [Benchmark(Baseline = true, Description = "Untraced")]
    public List<List<SeedWorkload.MyObject>> Baseline() => RunUntraced();

    [Benchmark(Description = "Traced, depth 1")]
    public List<List<SeedWorkload.MyObject>> TracedDepth1() => RunTraced();

    [Benchmark(Description = "Traced, depth 10")]
    public List<List<SeedWorkload.MyObject>> TracedDepth10() => RunTraced();

    [Benchmark(Description = "Traced, depth 32")]
    public List<List<SeedWorkload.MyObject>> TracedDepth32() => RunTraced();

    private static List<List<SeedWorkload.MyObject>> RunUntraced()
    {
        // Cheap guard (a volatile read): a leaked tracer would silently turn the baseline into a traced run.
        if (MemTracker.IsTracing)
        {
            throw new InvalidOperationException("The tracer is on during the untraced baseline.");
        }

        return SeedWorkload.Run();
    }

    private static List<List<SeedWorkload.MyObject>> RunTraced() => SeedWorkload.Run();

    private static void StartTracing(int depth)
    {
        MemTracker.Stop();
        MemTracker.Start(new MemTrackerOptions { Depth = depth });
        if (MemTracker.TracebackLimit != depth)
        {
            throw new InvalidOperationException($"Tracing at depth {MemTracker.TracebackLimit}, expected {depth}.");
        }
    }
}
