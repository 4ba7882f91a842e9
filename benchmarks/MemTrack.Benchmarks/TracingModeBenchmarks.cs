using BenchmarkDotNet.Attributes;

namespace MemTrack.Benchmarks;

/// <summary>
/// One allocation-heavy workload (<see cref="RunWorkload"/>, given by the subclass) untraced (the baseline), traced
/// without live tracking at depth 1, 10 and 32 (<see cref="MemTrackerOptions.TrackLiveObjects"/> = false: allocation
/// sampling only) and traced with live tracking at depth 10. Tracing is process-wide, so each benchmark has its own
/// global setup that starts (or, for the baseline, stops) the tracer; the global cleanup prints a
/// <c>// MemTrack check:</c> line with what the tracer saw.
/// </summary>
[Config(typeof(ShortConfig))]
public abstract class TracingModeBenchmarks
{
    [GlobalSetup(Target = nameof(Baseline))]
    public void SetupUntraced() => TracerModes.StopForBaseline();

    [GlobalSetup(Target = nameof(TracedDepth1))]
    public void SetupDepth1() => TracerModes.StartTracing(1, trackLiveObjects: false);

    [GlobalSetup(Target = nameof(TracedDepth10))]
    public void SetupDepth10() => TracerModes.StartTracing(10, trackLiveObjects: false);

    [GlobalSetup(Target = nameof(TracedDepth10Live))]
    public void SetupDepth10Live() => TracerModes.StartTracing(10, trackLiveObjects: true);

    [GlobalSetup(Target = nameof(TracedDepth32))]
    public void SetupDepth32() => TracerModes.StartTracing(32, trackLiveObjects: false);

    [GlobalCleanup]
    public void Cleanup() => TracerModes.PrintCheckAndStop(WorkloadName());

    [Benchmark(Baseline = true, Description = "Untraced")]
    public object Baseline()
    {
        TracerModes.RequireUntraced();
        return RunWorkload();
    }

    [Benchmark(Description = "Traced, depth 1, no live tracking")]
    public object TracedDepth1() => RunWorkload();

    [Benchmark(Description = "Traced, depth 10, no live tracking")]
    public object TracedDepth10() => RunWorkload();

    [Benchmark(Description = "Traced, depth 32, no live tracking")]
    public object TracedDepth32() => RunWorkload();

    [Benchmark(Description = "Traced, depth 10, live tracking")]
    public object TracedDepth10Live() => RunWorkload();

    /// <summary>One operation of the workload; its result is kept until BenchmarkDotNet drops it.</summary>
    protected abstract object RunWorkload();

    /// <summary>The name of the subclass (BenchmarkDotNet runs a generated class derived from it).</summary>
    private string WorkloadName()
    {
        Type type = GetType();
        while (type.BaseType is { } parent && parent != typeof(TracingModeBenchmarks))
        {
            type = parent;
        }

        return type.Name;
    }
}
