using System.Diagnostics;
using System.Globalization;

namespace MemTrack.Benchmarks;

/// <summary>
/// <c>--tracer-memory [runs]</c>: runs the seed workload in fresh child processes, untraced and traced at depth 1 and
/// 10, and prints the tracer's own memory (<see cref="MemTracker.GetTracerMemory"/>) and the process's peak working
/// set. Peak working set only grows, so each measurement needs its own process.
/// </summary>
internal static class TracerMemoryMode
{
    public const string ParentSwitch = "--tracer-memory";
    public const string ChildSwitch = "--tracer-memory-child";

    private static readonly int[] Depths = [0, 1, 10];

    public static int RunParent(string[] args)
    {
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine($"Seed workload ({SeedWorkload.ListsPerRun * SeedWorkload.ObjectsPerList:N0} objects), {runs} run(s) per mode, each in a fresh process.");
        Console.WriteLine(ResultLine.Header);
        int failures = 0;
        for (int run = 0; run < runs; run++)
        {
            foreach (int depth in Depths)
            {
                if (!SelfChild.PrintRow($"depth {depth}", TimeSpan.FromMinutes(2), ChildSwitch, depth.ToString(CultureInfo.InvariantCulture)))
                {
                    failures++;
                }
            }
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>One measurement: depth 0 means untraced.</summary>
    public static int RunChild(string[] args)
    {
        int depth = int.Parse(args[1], CultureInfo.InvariantCulture);
        var process = Process.GetCurrentProcess();
        var result = new ResultLine { Depth = depth };

        long startMs = Stopwatch.GetTimestamp();
        if (depth > 0)
        {
            MemTracker.Start(new MemTrackerOptions { Depth = depth });
        }

        result.StartMs = Stopwatch.GetElapsedTime(startMs).TotalMilliseconds;

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long workloadStart = Stopwatch.GetTimestamp();
        var held = SeedWorkload.Run();
        result.WorkloadMs = Stopwatch.GetElapsedTime(workloadStart).TotalMilliseconds;
        result.AllocatedMB = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1e6;
        process.Refresh();
        result.PeakBeforeSnapshotMB = process.PeakWorkingSet64 / 1e6;

        if (depth > 0)
        {
            long snapStart = Stopwatch.GetTimestamp();
            var snapshot = MemTracker.TakeSnapshot();
            result.SnapshotMs = Stopwatch.GetElapsedTime(snapStart).TotalMilliseconds;
            result.Traces = snapshot.Traces.Count;
            result.TracedMB = snapshot.Traces.Sum(t => t.Size) / 1e6;
            result.Samples = snapshot.Traces.Sum(t => t.SampleCount);
            result.LostEvents = snapshot.LostEvents;
            result.TracerMemoryMB = MemTracker.GetTracerMemory() / 1e6;

            // A second snapshot right away: the first one pays for JIT and symbol loading, this one does not.
            long snap2Start = Stopwatch.GetTimestamp();
            GC.KeepAlive(MemTracker.TakeSnapshot());
            result.Snapshot2Ms = Stopwatch.GetElapsedTime(snap2Start).TotalMilliseconds;
        }

        GC.KeepAlive(held);
        process.Refresh();
        result.PeakWorkingSetMB = process.PeakWorkingSet64 / 1e6;
        result.ManagedHeapMB = GC.GetTotalMemory(forceFullCollection: false) / 1e6;
        GC.KeepAlive(held);

        long stopStart = Stopwatch.GetTimestamp();
        MemTracker.Stop();
        result.StopMs = Stopwatch.GetElapsedTime(stopStart).TotalMilliseconds;

        Console.WriteLine(result);
        return 0;
    }

    private sealed class ResultLine
    {
        public const string Header =
            "| Mode | Start (ms) | Workload (ms) | Allocated (MB) | Snapshot (ms) | 2nd snapshot (ms) | Traces | Samples | Traced est. (MB) | Lost events | Tracer memory (MB) | Managed heap (MB) | Peak WS before snapshot (MB) | Peak working set (MB) | Stop (ms) |\n" +
            "|------|-----------:|--------------:|---------------:|--------------:|------------------:|-------:|--------:|-----------------:|------------:|-------------------:|------------------:|-----------------------------:|----------------------:|----------:|";

        public int Depth { get; init; }
        public double StartMs { get; set; }
        public double WorkloadMs { get; set; }
        public double AllocatedMB { get; set; }
        public double SnapshotMs { get; set; }
        public double Snapshot2Ms { get; set; }
        public int Traces { get; set; }
        public long Samples { get; set; }
        public double TracedMB { get; set; }
        public long LostEvents { get; set; }
        public double TracerMemoryMB { get; set; }
        public double ManagedHeapMB { get; set; }
        public double PeakBeforeSnapshotMB { get; set; }
        public double PeakWorkingSetMB { get; set; }
        public double StopMs { get; set; }

        public override string ToString()
        {
            string mode = Depth == 0 ? "untraced" : $"depth {Depth}";
            string Traced(string value) => Depth == 0 ? "-" : value;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"| {mode} | {Traced(StartMs.ToString("F0", CultureInfo.InvariantCulture))} | {WorkloadMs:F0} | {AllocatedMB:F1} | " +
                $"{Traced(SnapshotMs.ToString("F1", CultureInfo.InvariantCulture))} | {Traced(Snapshot2Ms.ToString("F1", CultureInfo.InvariantCulture))} | {Traced(Traces.ToString(CultureInfo.InvariantCulture))} | " +
                $"{Traced(Samples.ToString(CultureInfo.InvariantCulture))} | {Traced(TracedMB.ToString("F1", CultureInfo.InvariantCulture))} | " +
                $"{Traced(LostEvents.ToString(CultureInfo.InvariantCulture))} | {Traced(TracerMemoryMB.ToString("F2", CultureInfo.InvariantCulture))} | " +
                $"{ManagedHeapMB:F1} | {PeakBeforeSnapshotMB:F1} | {PeakWorkingSetMB:F1} | {Traced(StopMs.ToString("F0", CultureInfo.InvariantCulture))} |");
        }
    }
}
