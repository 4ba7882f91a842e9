using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using static MemTrack.Benchmarks.BenchStatistics;

namespace MemTrack.Benchmarks;

/// <summary>
/// <c>--live-overhead [rounds] [seed|gc-heavy]</c>: in one process, alternates rounds of a workload untraced, traced
/// at depth 10 without live tracking (<see cref="MemTrackerOptions.TrackLiveObjects"/> = false) and traced at depth 10
/// with it, and prints per mode the median wall time, the GC pause time (<see cref="GC.GetTotalPauseDuration"/>
/// deltas) and the GC counts (<see cref="GC.CollectionCount"/> deltas) of a round, with their ratios; on Linux also the
/// CPU time of the timed region by thread (the workload runs on the main thread, whose thread id is the process id).
/// <para>
/// Each round: full blocking GC (tracer off), start the tracer (or not), settle <see cref="SettleMs"/> ms, then the
/// timed region (the workload only; its result is held), then a snapshot as a check that the tracer ran, then stop.
/// Start, settle, snapshot and stop are outside the timed region. The order of the three modes rotates every round,
/// and <see cref="WarmupRounds"/> rounds of each mode run first and are not counted.
/// </para>
/// </summary>
internal static class LiveOverheadMode
{
    public const string Switch = "--live-overhead";

    private const int DefaultRounds = 10;
    private const int WarmupRounds = 2;
    private const int Depth = 10;

    /// <summary>Pause after Start (and the same pause untraced) so the tracer's start-up work is not timed.</summary>
    private const int SettleMs = 300;

    private static readonly Mode[] Modes = [Mode.Untraced, Mode.TracedNoLive, Mode.TracedLive];

    private static readonly Workload[] Workloads =
    [
        new(
            "seed",
            $"seed workload: SeedWorkload.Run(), {SeedWorkload.ListsPerRun:N0} lists of {SeedWorkload.ObjectsPerList} MyObject (each with a byte[100]), " +
            "all reachable until the round ends",
            static () => SeedWorkload.Run()),
        new(
            "gc-heavy",
            $"GC-heavy workload: GcHeavyWorkload.Run(), {GcHeavyWorkload.Objects:N0} MyObject (each with a byte[100]), " +
            $"1 in {GcHeavyWorkload.RetainEvery} retained until the round ends, the rest garbage escaping to a 64-slot static array",
            static () => GcHeavyWorkload.Run()),
    ];

    private enum Mode
    {
        Untraced,
        TracedNoLive,
        TracedLive,
    }

    public static int Run(string[] args)
    {
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : DefaultRounds;
        string? only = args.Length > 2 ? args[2] : null;
        var selected = Workloads.Where(w => only is null || w.Name == only).ToList();
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"Unknown workload '{only}'; expected one of: {string.Join(", ", Workloads.Select(w => w.Name))}.");
            return 2;
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"MemTrack live-tracking overhead, {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz}; {RuntimeInformation.FrameworkDescription}, " +
            $"{RuntimeInformation.OSDescription}, {Environment.ProcessorCount} processors; GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, " +
            $"latency mode {GCSettings.LatencyMode}; load average {Machine.LoadAverage()}"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Depth {Depth}; {WarmupRounds} warm-up + {rounds} measured rounds per mode, interleaved (order rotated every round); " +
            $"{SettleMs} ms settle after Start (and untraced) before each timed region."));

        foreach (var workload in selected)
        {
            RunWorkload(workload, rounds);
        }

        Console.WriteLine();
        Console.WriteLine($"Load average at the end: {Machine.LoadAverage()}");
        return 0;
    }

    private static void RunWorkload(Workload workload, int rounds)
    {
        Console.WriteLine();
        Console.WriteLine($"## {workload.Description}");
        var results = Modes.ToDictionary(m => m, _ => new List<RoundResult>());
        for (int round = -WarmupRounds; round < rounds; round++)
        {
            int shift = ((round % Modes.Length) + Modes.Length) % Modes.Length;
            foreach (var mode in Modes.Skip(shift).Concat(Modes.Take(shift)))
            {
                var result = MeasureRound(workload, mode);
                result.Round = round;
                if (round >= 0)
                {
                    results[mode].Add(result);
                }

                Console.Error.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {workload.Name} round {round,2} {Label(mode),-22} wall {result.WallMs,7:F1} ms, pause {result.PauseMs,6:F1} ms, " +
                    $"GCs {result.Gen0}/{result.Gen1}/{result.Gen2}, cpu {result.CpuMs,7:F0} ms{(round < 0 ? " (warm-up)" : string.Empty)}"));
            }
        }

        PrintRounds(results, rounds);
        PrintSummary(results);
        PrintThreadCpu(results);
        PrintChecks(results);
    }

    private static RoundResult MeasureRound(Workload workload, Mode mode)
    {
        MemTracker.Stop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var result = new RoundResult { Mode = mode };
        if (mode != Mode.Untraced)
        {
            long startBegin = Stopwatch.GetTimestamp();
            MemTracker.Start(new MemTrackerOptions { Depth = Depth, TrackLiveObjects = mode == Mode.TracedLive });
            result.StartMs = Stopwatch.GetElapsedTime(startBegin).TotalMilliseconds;
            if (MemTracker.Options is not { } options || options.Depth != Depth || options.TrackLiveObjects != (mode == Mode.TracedLive))
            {
                throw new InvalidOperationException($"The tracer runs with {MemTracker.Options}, not as {mode} asks.");
            }
        }
        else if (MemTracker.IsTracing)
        {
            throw new InvalidOperationException("The tracer is on for an untraced round.");
        }

        Thread.Sleep(SettleMs);

        var threadsBefore = ThreadCpu.Read();
        TimeSpan cpuBefore = Environment.CpuUsage.TotalTime;
        int gen0Before = GC.CollectionCount(0);
        int gen1Before = GC.CollectionCount(1);
        int gen2Before = GC.CollectionCount(2);
        TimeSpan pauseBefore = GC.GetTotalPauseDuration();
        long begin = Stopwatch.GetTimestamp();

        object held = workload.Run();

        TimeSpan wall = Stopwatch.GetElapsedTime(begin);
        TimeSpan pauseAfter = GC.GetTotalPauseDuration();
        int gen2After = GC.CollectionCount(2);
        int gen1After = GC.CollectionCount(1);
        int gen0After = GC.CollectionCount(0);
        TimeSpan cpuAfter = Environment.CpuUsage.TotalTime;
        var threadsAfter = ThreadCpu.Read();

        result.WallMs = wall.TotalMilliseconds;
        result.PauseMs = (pauseAfter - pauseBefore).TotalMilliseconds;
        result.Gen0 = gen0After - gen0Before;
        result.Gen1 = gen1After - gen1Before;
        result.Gen2 = gen2After - gen2Before;
        result.CpuMs = (cpuAfter - cpuBefore).TotalMilliseconds;
        result.ThreadCpuMs = ThreadCpu.Delta(threadsBefore, threadsAfter);

        if (mode != Mode.Untraced)
        {
            // Evidence that the tracer really ran during the timed region (the result is still held).
            var snapshot = MemTracker.TakeSnapshot();
            result.Samples = snapshot.Traces.Sum(t => t.SampleCount);
            result.EstimatedMB = snapshot.Traces.Sum(t => t.Size) / 1e6;
            result.ExactMB = snapshot.ExactAllocatedBytes / 1e6;
            result.LostEvents = snapshot.LostEvents;
            result.HasLiveData = snapshot.HasLiveData;
            result.LiveMB = snapshot.HasLiveData ? snapshot.Traces.Sum(t => t.LiveSize) / 1e6 : double.NaN;
        }

        GC.KeepAlive(held);

        long stopBegin = Stopwatch.GetTimestamp();
        MemTracker.Stop();
        result.StopMs = Stopwatch.GetElapsedTime(stopBegin).TotalMilliseconds;
        return result;
    }

    private static void PrintRounds(Dictionary<Mode, List<RoundResult>> results, int rounds)
    {
        Console.WriteLine();
        Console.WriteLine("Per round: wall ms / GC pause ms (GC count)");
        Console.WriteLine();
        Console.WriteLine("| Round | " + string.Join(" | ", Modes.Select(Label)) + " |");
        Console.WriteLine("|------:|" + string.Concat(Modes.Select(_ => "------:|")));
        for (int round = 0; round < rounds; round++)
        {
            var cells = Modes.Select(m => results[m][round]).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.WallMs:F0} / {r.PauseMs:F1} ({r.Gen0})"));
            Console.WriteLine($"| {round + 1} | {string.Join(" | ", cells)} |");
        }
    }

    private static void PrintSummary(Dictionary<Mode, List<RoundResult>> results)
    {
        var untraced = results[Mode.Untraced];
        var noLive = results[Mode.TracedNoLive];
        double wallUntraced = Median(untraced.Select(r => r.WallMs));
        double pauseUntraced = Median(untraced.Select(r => r.PauseMs));
        double pauseNoLive = Median(noLive.Select(r => r.PauseMs));

        Console.WriteLine();
        Console.WriteLine(
            "| Mode | Wall median (ms) | Wall min-max (ms) | Wall vs untraced | Paired wall ratio vs untraced, median (min-max) | Paired wall ratio vs traced, no live | " +
            "GC pause/round median (ms) | Pause min-max (ms) | Pause vs untraced | Pause vs traced, no live | " +
            "GCs/round gen0/gen1/gen2 (median) | Mean pause per GC (ms) | CPU/round median (ms) |");
        Console.WriteLine("|------|-----:|-----:|-----:|-----:|-----:|-----:|-----:|-----:|-----:|-----:|-----:|-----:|");
        foreach (var mode in Modes)
        {
            var rs = results[mode];
            double wall = Median(rs.Select(r => r.WallMs));
            double pause = Median(rs.Select(r => r.PauseMs));

            // Ratio of each round to the other mode's run of the same round (they ran back to back), then the median.
            string pairedCell = mode == Mode.Untraced ? "1.00" : PairedRatio(rs, untraced);
            string pairedNoLiveCell = mode == Mode.TracedLive ? PairedRatio(rs, noLive) : mode == Mode.TracedNoLive ? "1.00" : "-";
            string pauseVsNoLive = mode == Mode.Untraced ? "-" : string.Create(CultureInfo.InvariantCulture, $"{pause / pauseNoLive:F2}x");
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {Label(mode)} | {wall:F0} | {rs.Min(r => r.WallMs):F0}-{rs.Max(r => r.WallMs):F0} | {wall / wallUntraced:F2}x | {pairedCell} | {pairedNoLiveCell} | " +
                $"{pause:F1} | {rs.Min(r => r.PauseMs):F1}-{rs.Max(r => r.PauseMs):F1} | {pause / pauseUntraced:F2}x | {pauseVsNoLive} | " +
                $"{Median(rs.Select(r => (double)r.Gen0)):F0}/{Median(rs.Select(r => (double)r.Gen1)):F0}/{Median(rs.Select(r => (double)r.Gen2)):F0} | " +
                $"{Median(rs.Select(r => r.Gen0 == 0 ? 0 : r.PauseMs / r.Gen0)):F2} | {Median(rs.Select(r => r.CpuMs)):F0} |"));
        }
    }

    private static string PairedRatio(List<RoundResult> rounds, List<RoundResult> reference)
    {
        var ratios = rounds.Zip(reference, (r, u) => r.WallMs / u.WallMs).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{Median(ratios):F2} ({ratios.Min():F2}-{ratios.Max():F2})");
    }

    private static void PrintThreadCpu(Dictionary<Mode, List<RoundResult>> results)
    {
        if (results.Values.All(rs => rs.All(r => r.ThreadCpuMs.Count == 0)))
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("CPU time per round by thread (median ms; Linux /proc/self/task/*/schedstat; workload = the thread running the workload, its GC pauses included)");
        Console.WriteLine();
        Console.WriteLine("| Mode | " + string.Join(" | ", ThreadCpu.Groups) + " |");
        Console.WriteLine("|------|" + string.Concat(ThreadCpu.Groups.Select(_ => "-----:|")));
        foreach (var mode in Modes)
        {
            var cells = ThreadCpu.Groups.Select(g => Median(results[mode].Select(r => r.ThreadCpuMs.GetValueOrDefault(g))).ToString("F0", CultureInfo.InvariantCulture));
            Console.WriteLine($"| {Label(mode)} | {string.Join(" | ", cells)} |");
        }
    }

    private static void PrintChecks(Dictionary<Mode, List<RoundResult>> results)
    {
        Console.WriteLine();
        Console.WriteLine("| Mode (checks, outside the timed region) | Start median (ms) | Stop median (ms) | Samples/round median | Estimated / exact allocated MB (median) | Live estimate MB (median) | Lost events (max) |");
        Console.WriteLine("|------|-----:|-----:|-----:|-----:|-----:|-----:|");
        foreach (var mode in Modes.Where(m => m != Mode.Untraced))
        {
            var rs = results[mode];
            string live = rs.All(r => r.HasLiveData) ? string.Create(CultureInfo.InvariantCulture, $"{Median(rs.Select(r => r.LiveMB)):F1}") : "- (no live data)";
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {Label(mode)} | {Median(rs.Select(r => r.StartMs)):F0} | {Median(rs.Select(r => r.StopMs)):F0} | " +
                $"{Median(rs.Select(r => (double)r.Samples)):F0} | {Median(rs.Select(r => r.EstimatedMB)):F1} / {Median(rs.Select(r => r.ExactMB)):F1} | " +
                $"{live} | {rs.Max(r => r.LostEvents)} |"));
        }
    }

    private static string Label(Mode mode) => mode switch
    {
        Mode.Untraced => "untraced",
        Mode.TracedNoLive => $"depth {Depth}, no live tracking",
        _ => $"depth {Depth}, live tracking",
    };

    private sealed record Workload(string Name, string Description, Func<object> Run);

    private sealed class RoundResult
    {
        public Mode Mode { get; init; }
        public int Round { get; set; }
        public double StartMs { get; set; }
        public double StopMs { get; set; }
        public double WallMs { get; set; }
        public double PauseMs { get; set; }
        public int Gen0 { get; set; }
        public int Gen1 { get; set; }
        public int Gen2 { get; set; }
        public double CpuMs { get; set; }
        public Dictionary<string, double> ThreadCpuMs { get; set; } = [];
        public long Samples { get; set; }
        public double EstimatedMB { get; set; }
        public double ExactMB { get; set; }
        public long LostEvents { get; set; }
        public bool HasLiveData { get; set; }
        public double LiveMB { get; set; }
    }

    /// <summary>CPU time per thread group, from /proc/self/task/*/schedstat (nanoseconds on CPU); empty elsewhere than Linux.</summary>
    private static class ThreadCpu
    {
        public static readonly string[] Groups = ["workload", ".NET BGC", "MemTrack reader", ".NET EventPipe", "other"];

        public static Dictionary<int, (string Group, long Nanoseconds)> Read()
        {
            var threads = new Dictionary<int, (string, long)>();
            if (!OperatingSystem.IsLinux())
            {
                return threads;
            }

            int pid = Environment.ProcessId;
            foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    int tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                    string comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                    long ns = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                    string group = tid == pid ? "workload" : Array.IndexOf(Groups, comm) >= 0 ? comm : "other";
                    threads[tid] = (group, ns);
                }
                catch (IOException)
                {
                    // The thread ended while being read.
                }
            }

            return threads;
        }

        public static Dictionary<string, double> Delta(Dictionary<int, (string Group, long Nanoseconds)> before, Dictionary<int, (string Group, long Nanoseconds)> after)
        {
            var delta = new Dictionary<string, double>();
            foreach (var (tid, (group, ns)) in after)
            {
                long start = before.TryGetValue(tid, out var b) ? b.Nanoseconds : 0;
                delta[group] = delta.GetValueOrDefault(group) + ((ns - start) / 1e6);
            }

            return delta;
        }
    }
}
