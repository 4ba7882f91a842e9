using System.Diagnostics;
using System.Globalization;
using static MemTrack.Benchmarks.BenchFormat;
using static MemTrack.Benchmarks.BenchStatistics;

namespace MemTrack.Benchmarks;

/// <summary>
/// <c>--soak [minutes] [--out dir] [--interval seconds] [--tracer on|no-live|off]</c>: does the tracer's memory stay
/// bounded over a long run? A
/// thread allocates at full speed from the <see cref="SoakWorkload.Sites"/> call stacks of <see cref="SoakWorkload"/>
/// (keeping a few objects per site alive) while the tracer runs with the default options but depth 10 (so it tells
/// the stacks apart; live tracking on). Every interval this thread takes a snapshot and records the tracer's memory,
/// the process's RSS, the GC heap, the snapshot's traces and samples, lost events and the snapshot's latency; writes
/// them to soak.csv as it goes, and at the end soak.svg (tracer memory and RSS over time) and a verdict on the growth
/// over the last two thirds of the run. <c>--tracer no-live</c> (allocation sampling only) and <c>--tracer off</c> (no
/// tracer, no snapshots: the workload alone) are controls for what the process's memory does without the tracer's parts.
/// </summary>
internal static class SoakMode
{
    public const string Switch = "--soak";

    private const int Depth = 10;

    /// <summary>Tracer memory must grow by less than this over the last two thirds of the run.</summary>
    private const double TracerGrowthLimit = 0.05;

    /// <summary>RSS "levels off" when it grows by less than this over the last third of the run.</summary>
    private const double RssLastThirdLimit = 0.02;

    private const string CsvHeader = "elapsed_s,tracer_memory_bytes,rss_bytes,gc_heap_bytes,traces,other_sites_samples,samples,lost_events,snapshot_ms,allocated_bytes,visits,gen0,gen1,gen2,rss_anon_bytes,gc_committed_bytes";

    public static int Run(string[] args)
    {
        double minutes = 30;
        double intervalSeconds = 5;
        string outDir = Path.Combine(Path.GetTempPath(), "memtrack-soak");
        string tracer = "on";
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out":
                    outDir = args[++i];
                    break;
                case "--tracer":
                    tracer = args[++i];
                    break;
                case "--interval":
                    intervalSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    minutes = double.Parse(args[i], CultureInfo.InvariantCulture);
                    break;
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(minutes, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(intervalSeconds, 0);
        MemTrackerOptions? options = tracer switch
        {
            "on" => new MemTrackerOptions { Depth = Depth },
            "no-live" => new MemTrackerOptions { Depth = Depth, TrackLiveObjects = false },
            "off" => null,
            _ => throw new ArgumentException($"--tracer takes on, no-live or off, not '{tracer}'.", nameof(args)),
        };
        Directory.CreateDirectory(outDir);
        string csvPath = Path.Combine(outDir, "soak.csv");
        string svgPath = Path.Combine(outDir, "soak.svg");

        Console.WriteLine(Invariant(
            $"Soak: {minutes} min, {SoakWorkload.Sites:N0} call stacks ({SoakWorkload.Levels} levels), {SoakWorkload.KeptPerSite} objects kept per site (one in {SoakWorkload.KeepEvery} allocations replaces one), ") +
            Invariant($"a snapshot every {intervalSeconds} s; {(options is null ? "no tracer (control)" : $"MemTracker.Start({options})")}."));
        Console.WriteLine(Invariant(
            $"{Machine.Describe()}; writing {csvPath}"));

        if (options is not null)
        {
            MemTracker.Start(options);
        }

        var rows = new List<Row>();
        var clock = Stopwatch.StartNew();
        var worker = new Thread(SoakWorkload.Run) { IsBackground = true, Name = "soak workload" };
        worker.Start();
        using (var csv = new StreamWriter(csvPath))
        {
            csv.WriteLine(CsvHeader);
            Console.WriteLine("| Elapsed (s) | Tracer memory (MB) | RSS (MB) | GC heap (MB) | Traces | Samples | Lost | Snapshot (ms) | Allocated (GB) |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int tick = 1; tick * intervalSeconds <= minutes * 60; tick++)
            {
                TimeSpan wait = TimeSpan.FromSeconds(tick * intervalSeconds) - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    Thread.Sleep(wait);
                }

                Row row = Measure(clock.Elapsed.TotalSeconds, traced: options is not null);
                rows.Add(row);
                csv.WriteLine(row.ToCsv());
                csv.Flush();
                Console.WriteLine(Invariant(
                    $"| {row.ElapsedSeconds:F0} | {row.TracerMemory / 1e6:F2} | {row.Rss / 1e6:F1} | {row.GcHeap / 1e6:F1} | {row.Traces} | {row.Samples} | {row.LostEvents} | {row.SnapshotMs:F0} | {row.Allocated / 1e9:F1} |"));
            }
        }

        SoakWorkload.RequestStop();
        worker.Join();
        MemTracker.Stop();
        SoakWorkload.Clear();

        File.WriteAllText(svgPath, SvgLineChart.Render(
            Invariant($"MemTrack soak: {SoakWorkload.Sites:N0} call stacks, depth {Depth}, live tracking, a snapshot every {intervalSeconds} s"),
            "elapsed (s)",
            [.. rows.Select(r => r.ElapsedSeconds)],
            new SvgLineChart.Series("process RSS (MB)", "#1f77b4", [.. rows.Select(r => r.Rss / 1e6)]),
            new SvgLineChart.Series("MemTracker.GetTracerMemory() (MB)", "#d62728", [.. rows.Select(r => r.TracerMemory / 1e6)])));
        Console.WriteLine($"Wrote {csvPath} and {svgPath}.");
        return PrintVerdict(rows) ? 0 : 1;
    }

    private static Row Measure(double elapsed, bool traced)
    {
        long start = Stopwatch.GetTimestamp();
        Snapshot? snapshot = traced ? MemTracker.TakeSnapshot() : null;
        double snapshotMs = traced ? Stopwatch.GetElapsedTime(start).TotalMilliseconds : 0;
        var traces = snapshot?.Traces ?? [];
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        return new Row(
            elapsed,
            MemTracker.GetTracerMemory(),
            Machine.ResidentBytes(),
            gc.HeapSizeBytes,
            traces.Count,
            traces.Where(t => t.TypeName == "<other sites>").Sum(t => t.SampleCount),
            traces.Sum(t => t.SampleCount),
            snapshot?.LostEvents ?? 0,
            snapshotMs,
            GC.GetTotalAllocatedBytes(precise: false),
            SoakWorkload.Visits,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            Machine.ResidentAnonymousBytes(),
            gc.TotalCommittedBytes);
    }

    /// <summary>Prints the growth over the last two thirds and the last third of the run; true when the targets are met.</summary>
    private static bool PrintVerdict(List<Row> rows)
    {
        if (rows.Count < 6)
        {
            Console.WriteLine("Verdict: too few samples (fewer than 6) to judge growth.");
            return false;
        }

        double end = rows[^1].ElapsedSeconds;
        double Near(Func<Row, double> value, double at) => Median(rows.Where(r => Math.Abs(r.ElapsedSeconds - at) <= end / 30).Select(value));
        (double first, double middle, double last) Thirds(Func<Row, double> value) => (Near(value, end / 3), Near(value, end * 2 / 3), Near(value, end));

        var tracer = Thirds(r => r.TracerMemory);
        var rss = Thirds(r => r.Rss);
        double tracerGrowth = (tracer.last / tracer.first) - 1;
        double rssGrowth = (rss.last / rss.first) - 1;
        double rssMiddle = (rss.middle / rss.first) - 1;
        double rssLastThird = (rss.last / rss.middle) - 1;
        Console.WriteLine();
        Console.WriteLine("Values are medians of the samples within 1/30 of the run around each point.");
        Console.WriteLine("| | at 1/3 | at 2/3 | at the end | growth over the last 2/3 | growth, middle third | growth, last third | max over the last 2/3 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (label, value, thirds) in new (string, Func<Row, double>, (double, double, double))[]
        {
            ("Tracer memory (MB)", r => r.TracerMemory, tracer),
            ("RSS (MB)", r => r.Rss, rss),
            ("GC heap (MB)", r => r.GcHeap, Thirds(r => r.GcHeap)),
            ("GC committed (MB)", r => r.GcCommitted, Thirds(r => r.GcCommitted)),
            ("RSS - GC committed (MB)", r => r.Rss - r.GcCommitted, Thirds(r => r.Rss - r.GcCommitted)),
        })
        {
            var (a, b, c) = thirds;
            double max = rows.Where(r => r.ElapsedSeconds >= end / 3).Max(value);
            Console.WriteLine(Invariant($"| {label} | {a / 1e6:F2} | {b / 1e6:F2} | {c / 1e6:F2} | {SignedPercent((c / a) - 1, 1)} | {SignedPercent((b / a) - 1, 1)} | {SignedPercent((c / b) - 1, 1)} | {max / 1e6:F2} |"));
        }

        var last = rows[^1];
        bool traced = last.TracerMemory > 0;
        bool tracerOk = !traced || Math.Abs(tracerGrowth) < TracerGrowthLimit;
        bool rssOk = rssLastThird < RssLastThirdLimit;
        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"Traces in the last snapshot: {last.Traces:N0} (samples in <other sites>: {last.OtherSitesSamples}); samples {last.Samples:N0}; lost events {last.LostEvents}; ") +
            Invariant($"snapshot latency median {Median(rows.Select(r => r.SnapshotMs)):F0} ms, max {rows.Max(r => r.SnapshotMs):F0} ms; allocated {last.Allocated / 1e9:F1} GB in {last.Visits:N0} visits."));
        Console.WriteLine(Invariant(
            $"Verdict: {(traced ? Invariant($"tracer memory grew {SignedPercent(tracerGrowth, 1)} over the last two thirds (target: under {TracerGrowthLimit:P0}): {(tracerOk ? "met" : "MISSED")}") : "no tracer")}. ") +
            Invariant($"RSS grew {SignedPercent(rssGrowth, 1)} over the last two thirds ({SignedPercent(rssMiddle, 1)} in the middle third, {SignedPercent(rssLastThird, 1)} in the last third; levelled off = under {RssLastThirdLimit:P0} in the last third): {(rssOk ? "levelled off" : "NOT levelled off")}."));
        return tracerOk && rssOk;
    }

    private sealed record Row(
        double ElapsedSeconds,
        long TracerMemory,
        long Rss,
        long GcHeap,
        int Traces,
        long OtherSitesSamples,
        long Samples,
        long LostEvents,
        double SnapshotMs,
        long Allocated,
        long Visits,
        int Gen0,
        int Gen1,
        int Gen2,
        long RssAnonymous,
        long GcCommitted)
    {
        public string ToCsv() => Invariant(
            $"{ElapsedSeconds:F1},{TracerMemory},{Rss},{GcHeap},{Traces},{OtherSitesSamples},{Samples},{LostEvents},{SnapshotMs:F1},{Allocated},{Visits},{Gen0},{Gen1},{Gen2},{RssAnonymous},{GcCommitted}");
    }
}
