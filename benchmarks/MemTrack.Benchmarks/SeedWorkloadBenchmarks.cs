using BenchmarkDotNet.Attributes;

namespace MemTrack.Benchmarks;

/// <summary>
/// The seed workload (2,000,000 objects) untraced, traced without live tracking at depth 1, 10 and 32
/// (<see cref="MemTrackerOptions.TrackLiveObjects"/> = false: allocation sampling only, as before live tracking
/// existed), and traced with live tracking at depth 10. Tracing is process-wide, so each benchmark has its own global
/// setup that starts (or, for the baseline, stops) the tracer.
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
    public void SetupDepth1() => StartTracing(1, trackLiveObjects: false);

    [GlobalSetup(Target = nameof(TracedDepth10))]
    public void SetupDepth10() => StartTracing(10, trackLiveObjects: false);

    [GlobalSetup(Target = nameof(TracedDepth10Live))]
    public void SetupDepth10Live() => StartTracing(10, trackLiveObjects: true);

    [GlobalSetup(Target = nameof(TracedDepth32))]
    public void SetupDepth32() => StartTracing(32, trackLiveObjects: false);

    [GlobalCleanup]
    public void Cleanup()
    {
        if (MemTracker.IsTracing)
        {
            // Evidence that the tracer really sampled during the measured runs (BenchmarkDotNet shows this output in its log).
            var snapshot = MemTracker.TakeSnapshot();
            Console.WriteLine(
                $"// MemTrack check: depth {snapshot.TracebackLimit}, live tracking {(snapshot.HasLiveData ? "on" : "off")}, {snapshot.Traces.Count} traces, " +
                $"{snapshot.Traces.Sum(t => t.SampleCount)} samples, estimated {snapshot.Traces.Sum(t => t.Size) / 1e6:F0} MB of " +
                $"{snapshot.ExactAllocatedBytes / 1e6:F0} MB allocated, {snapshot.LostEvents} lost events, " +
                $"tracer memory {MemTracker.GetTracerMemory() / 1e6:F2} MB");
        }

        MemTracker.Stop();
    }

    [Benchmark(Baseline = true, Description = "Untraced")]
    public List<List<SeedWorkload.MyObject>> Baseline() => RunUntraced();

    [Benchmark(Description = "Traced, depth 1, no live tracking")]
    public List<List<SeedWorkload.MyObject>> TracedDepth1() => RunTraced();

    [Benchmark(Description = "Traced, depth 10, no live tracking")]
    public List<List<SeedWorkload.MyObject>> TracedDepth10() => RunTraced();

    [Benchmark(Description = "Traced, depth 32, no live tracking")]
    public List<List<SeedWorkload.MyObject>> TracedDepth32() => RunTraced();

    [Benchmark(Description = "Traced, depth 10, live tracking")]
    public List<List<SeedWorkload.MyObject>> TracedDepth10Live() => RunTraced();

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

    private static void StartTracing(int depth, bool trackLiveObjects)
    {
        MemTracker.Stop();
        MemTracker.Start(new MemTrackerOptions { Depth = depth, TrackLiveObjects = trackLiveObjects });
        if (MemTracker.Options is not { } options || options.Depth != depth || options.TrackLiveObjects != trackLiveObjects)
        {
            throw new InvalidOperationException($"Tracing with {MemTracker.Options}, expected depth {depth}, TrackLiveObjects = {trackLiveObjects}.");
        }
    }
}
