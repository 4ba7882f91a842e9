using System.Diagnostics;
using System.Globalization;

namespace MemTrack.Benchmarks;

/// <summary>
/// <c>--snapshot-latency</c>: traces at depth 10, runs the seed workload once (keeping its result), then times ten
/// consecutive <see cref="MemTracker.TakeSnapshot"/> calls after each of a few kinds of activity. Shows how the
/// latency depends on what the process did just before (the runtime flushes its EventPipe buffers every 100 ms).
/// </summary>
internal static class SnapshotLatencyMode
{
    public const string Switch = "--snapshot-latency";

    private const int Repeats = 10;

    public static int Run()
    {
        MemTracker.Start(new MemTrackerOptions { Depth = 10 });
        var held = SeedWorkload.Run();
        Console.WriteLine($"TakeSnapshot latency (ms), depth 10, after the seed workload; {Repeats} consecutive calls per row.");
        Console.WriteLine("| Before each call | Latencies (ms) | Median (ms) |");
        Console.WriteLine("|------------------|----------------|------------:|");
        Measure("nothing (back to back)", static () => { });
        Measure("Thread.Sleep(50)", static () => Thread.Sleep(50));
        Measure("GC.Collect()", static () => GC.Collect());
        Measure("allocating 1 MB (10 x 100 KB arrays)", static () =>
        {
            for (int i = 0; i < 10; i++)
            {
                GC.KeepAlive(new byte[100_000]);
            }
        });
        Measure("Thread.Sleep(150)", static () => Thread.Sleep(150));
        GC.KeepAlive(held);
        MemTracker.Stop();
        return 0;
    }

    private static void Measure(string label, Action before)
    {
        var times = new List<double>(Repeats);
        for (int i = 0; i < Repeats; i++)
        {
            before();
            long start = Stopwatch.GetTimestamp();
            GC.KeepAlive(MemTracker.TakeSnapshot());
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var sorted = times.Order().ToList();
        double median = (sorted[(Repeats - 1) / 2] + sorted[Repeats / 2]) / 2;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {label} | {string.Join(" ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))} | {median:F0} |"));
    }
}
