using BenchmarkDotNet.Attributes;

namespace MemTrack.Benchmarks;

/// <summary>
/// <see cref="HeapSnapshot.Capture()"/> followed by <see cref="HeapSnapshot.TypeStatistics"/> (which computes the
/// dominator tree for retained sizes) of a heap of 100,000 and 1,000,000 linked objects (<see cref="LinkedHeap"/>,
/// built once in the global setup). Each capture forces a blocking gen2 GC and opens its own EventPipe session, so
/// few iterations (<see cref="FewIterationsConfig"/>). The <c>--heap-capture</c> mode measures the same in fresh
/// processes, with memory per object.
/// </summary>
[Config(typeof(FewIterationsConfig))]
public class HeapCaptureBenchmarks
{
    [Params(100_000, 1_000_000)]
    public int Objects { get; set; }

    [GlobalSetup]
    public void Setup() => LinkedHeap.Build(Objects);

    [GlobalCleanup]
    public void Cleanup() => LinkedHeap.Release();

    [Benchmark(Description = "Capture + TypeStatistics")]
    public IReadOnlyList<TypeStatistic> CaptureAndTypeStatistics()
    {
        HeapSnapshot heap = HeapSnapshot.Capture();
        IReadOnlyList<TypeStatistic> types = heap.TypeStatistics();
        if (heap.ObjectCount < Objects)
        {
            throw new InvalidOperationException($"The capture saw {heap.ObjectCount} objects, fewer than the {Objects} built.");
        }

        return types;
    }
}
