using System.Diagnostics;
using System.Globalization;
using static MemTrack.Benchmarks.BenchFormat;

namespace MemTrack.Benchmarks;

/// <summary>
/// <c>--accuracy [runs] [MB per run]</c>: how close the estimates are to the truth. Each run starts a fresh tracer
/// (<c>MemTracker.Start(10)</c>: depth 10, default options, live tracking on), runs the sites of
/// <see cref="AccuracySites"/> on this thread (interleaved in rounds) while each keeps its exact account, takes a
/// snapshot, matches each site's statistic by method and compares its estimated size with the exact bytes; then stops
/// the tracer. Prints, per site over all runs: exact and estimated bytes, relative errors, how often the 95% interval
/// (<see cref="Statistic.SizeMargin"/>) covered the truth, and the observed against the expected number of samples.
/// </summary>
internal static class AccuracyMode
{
    public const string Switch = "--accuracy";

    private const int Depth = 10;
    private const int RoundsPerRun = 20;
    private const double Z95 = 1.959963984540054;

    /// <summary>A site's estimate is an outlier, worth a closer look, beyond this many standard errors.</summary>
    private const double OutlierZ = 3.5;

    /// <summary>Sites expected to get fewer samples than this are left out of the pooled coverage (the normal interval is not meant for them).</summary>
    private const double PooledMinSamples = 100;

    public static int Run(string[] args)
    {
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
        int megabytes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 400;
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(megabytes, 1);
        var sites = AccuracySites.All;
        long totalBudget = megabytes * 1_000_000L;

        Console.WriteLine(Invariant(
            $"Accuracy: {runs} runs of ~{megabytes} MB on one thread, {sites.Length} sites, {RoundsPerRun} rounds per run; a fresh tracer per run (MemTracker.Start({Depth}), default options, live tracking on)."));
        Console.WriteLine(Machine.Describe());

        // Warm-up, untraced: the sites' code reaches its optimized tier before any measured run.
        var tallies = new SiteTally[sites.Length];
        RunWorkload(sites, tallies, totalBudget, seed: 0);

        var results = new List<RunResult>(runs);
        Console.WriteLine();
        Console.WriteLine("| Run | Exact, sites (MB) | Exact, process (MB) | Estimated, all traces (MB) | Error vs sites | Not in a site (MB) | Samples (obs / exp) | Lost | Snapshot (ms) | Largest abs(z) (site) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (int run = 1; run <= runs; run++)
        {
            var result = MeasureRun(sites, tallies, totalBudget, run);
            results.Add(result);
            PrintRun(sites, result);
        }

        PrintSites(sites, results);
        PrintTotals(results);
        return 0;
    }

    /// <summary>The workload: <see cref="RoundsPerRun"/> rounds, each giving every site its share of a round's budget. Allocates nothing itself.</summary>
    private static void RunWorkload(AccuracySites.Site[] sites, SiteTally[] tallies, long totalBudget, int seed)
    {
        Array.Clear(tallies);
        AccuracySites.Seed(seed);
        for (int round = 0; round < RoundsPerRun; round++)
        {
            for (int i = 0; i < sites.Length; i++)
            {
                tallies[i].Begin((long)(totalBudget * sites[i].Share / RoundsPerRun));
                sites[i].Body(ref tallies[i]);
            }
        }

        AccuracySites.Clear();
    }

    private static RunResult MeasureRun(AccuracySites.Site[] sites, SiteTally[] tallies, long totalBudget, int run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        MemTracker.Start(Depth);
        try
        {
            RunWorkload(sites, tallies, totalBudget, run);
            long snapshotStart = Stopwatch.GetTimestamp();
            Snapshot snapshot = MemTracker.TakeSnapshot();
            double snapshotMs = Stopwatch.GetElapsedTime(snapshotStart).TotalMilliseconds;
            return RunResult.From(run, sites, tallies, snapshot, snapshotMs);
        }
        finally
        {
            MemTracker.Stop();
        }
    }

    private static void PrintRun(AccuracySites.Site[] sites, RunResult r)
    {
        int worst = 0;
        for (int i = 1; i < sites.Length; i++)
        {
            if (!(Math.Abs(r.Sites[i].Z) <= Math.Abs(r.Sites[worst].Z)) && !double.IsNaN(r.Sites[i].Z))
            {
                worst = i;
            }
        }

        Console.WriteLine(Invariant(
            $"| {r.Run} | {r.ExactSites / 1e6:F1} | {r.ExactProcess / 1e6:F1} | {r.EstimatedAll / 1e6:F1} | {SignedPercent((r.EstimatedAll - r.ExactSites) / (double)r.ExactSites, 2)} | ") +
            Invariant($"{r.EstimatedOutside / 1e6:F2} | {r.SamplesAll} / {r.ExpectedSamples:F0} | {r.LostEvents} | {r.SnapshotMs:F0} | {r.Sites[worst].Z:F2} ({sites[worst].Name}) |"));

        foreach (var (site, s) in sites.Zip(r.Sites))
        {
            if (Math.Abs(s.Z) > OutlierZ || (s.Samples == 0 && s.ExpectedSamples >= 5))
            {
                // Statistics or a bug? A chance outlier comes with a sample count that moved with it; a wrongly
                // attributed, lost or duplicated sample does not.
                Console.WriteLine(Invariant(
                    $"|   | outlier: {site.Name}: exact {s.Exact / 1048576.0:F2} MiB, estimated {s.Estimated / 1048576.0:F2} MiB ± {s.Margin / 1048576.0:F2} (z = {s.Z:F2}); ") +
                    Invariant($"samples {s.Samples}, expected {s.ExpectedSamples:F1} ± {Math.Sqrt(s.SampleVariance):F1} (sample z = {s.SampleZ:F2}); its traces: {s.Traces} |"));
            }
        }

        foreach (string line in r.Notes)
        {
            Console.WriteLine($"|   | {line} |");
        }
    }

    private static void PrintSites(AccuracySites.Site[] sites, List<RunResult> results)
    {
        int n = results.Count;
        double exactSum = results.Sum(r => (double)r.ExactSites);
        Console.WriteLine();
        Console.WriteLine(Invariant($"Per site over {n} runs (relative errors: (estimate - exact) / exact; margin: SizeMargin, the half-width of the 95% interval; coverage: share of runs with abs(estimate - exact) <= margin, with its 95% Wilson interval)."));
        Console.WriteLine();
        Console.WriteLine("| Site | Allocates | Share of bytes | Exact per run (MiB) | Mean estimate (MiB) | Mean error | Mean abs. error | Max abs. error | Runs within 10% | Mean margin | Coverage of the 95% interval | Samples per run, observed / expected | z: mean, sd |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < sites.Length; i++)
        {
            var all = results.Select(r => r.Sites[i]).ToList();
            double exact = all.Average(s => (double)s.Exact);
            var errors = all.Select(s => (s.Estimated - s.Exact) / (double)s.Exact).ToList();
            int covered = all.Count(s => s.Covered);
            int within10 = errors.Count(e => Math.Abs(e) <= 0.10);
            var zs = all.Select(s => s.Z).Where(z => !double.IsNaN(z)).DefaultIfEmpty(double.NaN).ToList();
            Console.WriteLine(Invariant(
                $"| {sites[i].Name} | {sites[i].Description} | {all.Sum(s => (double)s.Exact) / exactSum:P1} | {exact / 1048576.0:F2} | {all.Average(s => (double)s.Estimated) / 1048576.0:F2} | ") +
                Invariant($"{SignedPercent(errors.Average(), 2)} | {errors.Average(Math.Abs):P2} | {errors.Max(Math.Abs):P2} | {within10}/{n} | ±{all.Average(s => s.Margin / (double)s.Exact):P1} | ") +
                Invariant($"{covered}/{n} = {Coverage(covered, n)} | {all.Average(s => (double)s.Samples):F1} / {all.Average(s => s.ExpectedSamples):F1} | {zs.Average():F2}, {StandardDeviation(zs):F2} |"));
        }

        var pooled = results.SelectMany(r => r.Sites.Where(s => s.ExpectedSamples >= PooledMinSamples)).ToList();
        var pooledAll = results.SelectMany(r => r.Sites).ToList();
        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"Pooled coverage, sites expecting >= {PooledMinSamples:F0} samples per run: {pooled.Count(s => s.Covered)}/{pooled.Count} = {Coverage(pooled.Count(s => s.Covered), pooled.Count)}; ") +
            Invariant($"all sites: {pooledAll.Count(s => s.Covered)}/{pooledAll.Count} = {Coverage(pooledAll.Count(s => s.Covered), pooledAll.Count)}. ") +
            Invariant($"z over those sites: mean {pooled.Average(s => s.Z):F3}, sd {StandardDeviation(pooled.Select(s => s.Z).ToList()):F3}, largest abs {pooled.Max(s => Math.Abs(s.Z)):F2}; ") +
            Invariant($"sample z: mean {pooled.Average(s => s.SampleZ):F3}, sd {StandardDeviation(pooled.Select(s => s.SampleZ).ToList()):F3}."));
    }

    private static void PrintTotals(List<RunResult> results)
    {
        var vsSites = results.Select(r => (r.EstimatedAll - r.ExactSites) / (double)r.ExactSites).ToList();
        var vsProcess = results.Select(r => (r.EstimatedAll - r.ExactProcess) / (double)r.ExactProcess).ToList();
        var totalZ = results.Select(r => r.TotalZ).ToList();
        Console.WriteLine();
        Console.WriteLine("| Total, over all runs | Mean | Mean abs. | Max abs. | Runs within 3% |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(Invariant($"| Estimated (all traces) vs exact bytes of the sites | {SignedPercent(vsSites.Average(), 2)} | {vsSites.Average(Math.Abs):P2} | {vsSites.Max(Math.Abs):P2} | {vsSites.Count(e => Math.Abs(e) <= 0.03)}/{results.Count} |"));
        Console.WriteLine(Invariant($"| Estimated (all traces) vs ExactAllocatedBytes (whole process) | {SignedPercent(vsProcess.Average(), 2)} | {vsProcess.Average(Math.Abs):P2} | {vsProcess.Max(Math.Abs):P2} | {vsProcess.Count(e => Math.Abs(e) <= 0.03)}/{results.Count} |"));
        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"Total: coverage of its 95% interval (sum of the sites' variances) {results.Count(r => Math.Abs(r.TotalZ) <= Z95)}/{results.Count}; z mean {totalZ.Average():F2}, sd {StandardDeviation(totalZ):F2}. ") +
            Invariant($"ExactAllocatedBytes - exact bytes of the sites: mean {results.Average(r => (double)(r.ExactProcess - r.ExactSites)) / 1e6:F2} MB (the tracer's reader thread and other threads). ") +
            Invariant($"Estimated bytes in no site: mean {results.Average(r => (double)r.EstimatedOutside) / 1e6:F3} MB. Lost events: {results.Sum(r => r.LostEvents)}. ") +
            Invariant($"Samples: {results.Sum(r => r.SamplesAll)} observed, {results.Sum(r => r.ExpectedSamples):F0} expected."));
    }

    /// <summary>"k/n" as a percentage with its 95% Wilson score interval.</summary>
    private static string Coverage(int covered, int n)
    {
        if (n == 0)
        {
            return "-";
        }

        const double z2 = Z95 * Z95;
        double p = covered / (double)n;
        double center = (p + (z2 / (2 * n))) / (1 + (z2 / n));
        double half = Z95 * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n))) / (1 + (z2 / n));
        return Invariant($"{p:P1} [{center - half:P0}, {center + half:P0}]");
    }

    private static double StandardDeviation(List<double> values)
    {
        double mean = values.Average();
        return values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }



    /// <summary>One site in one run.</summary>
    private sealed record SiteResult(long Exact, long Estimated, long Margin, long Samples, double ExpectedSamples, double SampleVariance, string Traces)
    {
        /// <summary>Standard errors between the estimate and the truth (the margin is 1.96 of them).</summary>
        /// <remarks>NaN without a margin (no sample, or only objects so large that they are always sampled).</remarks>
        public double Z => Margin == 0 ? double.NaN : (Estimated - Exact) / (Margin / Z95);

        public double SampleZ => SampleVariance <= 0 ? 0 : (Samples - ExpectedSamples) / Math.Sqrt(SampleVariance);

        public bool Covered => Math.Abs(Estimated - Exact) <= Margin;
    }

    private sealed record RunResult(int Run, SiteResult[] Sites, long ExactSites, long ExactProcess, long EstimatedAll, long EstimatedOutside, long SamplesAll, double ExpectedSamples, long LostEvents, double SnapshotMs, double TotalZ, List<string> Notes)
    {
        public static RunResult From(int run, AccuracySites.Site[] sites, SiteTally[] tallies, Snapshot snapshot, double snapshotMs)
        {
            // By method. Frames of one method that differ in file or module would give it several keys (a site
            // split in two): add them up (their samples are disjoint) and say so.
            var byMethod = snapshot.Statistics(KeyType.Method, kind: MemoryKind.Allocated)
                .GroupBy(s => s.Traceback.Count == 0 ? "<unknown>" : s.Traceback[0].Method)
                .ToDictionary(g => g.Key, g => g.ToList());
            var notes = byMethod.Where(p => p.Value.Count > 1)
                .Select(p => Invariant($"{p.Key} has {p.Value.Count} keys: {string.Join(", ", p.Value.Select(s => s.Traceback[0].ToString() + " " + s.Traceback[0].Module))}"))
                .ToList();
            var results = new SiteResult[sites.Length];
            double variance = 0;
            for (int i = 0; i < sites.Length; i++)
            {
                string method = AccuracySites.MethodName(sites[i]);
                byMethod.Remove(method, out var stats);
                stats ??= [];
                long margin = (long)Math.Sqrt(stats.Sum(s => (double)s.SizeMargin * s.SizeMargin));
                string traces = string.Join("; ", snapshot.Traces.Where(t => t.Traceback.Count > 0 && t.Traceback[0].Method == method)
                    .Select(t => Invariant($"{t.Traceback[0]} {t.TypeName}: {t.SampleCount} samples, {t.Size / 1048576.0:F2} MiB")));
                results[i] = new SiteResult(tallies[i].Bytes, stats.Sum(s => s.Size), margin, stats.Sum(s => s.SampleCount), tallies[i].ExpectedSamples, tallies[i].SampleVariance, traces);
                variance += Math.Pow(margin / Z95, 2);
            }

            long exactSites = tallies.Sum(t => t.Bytes);
            long estimatedAll = snapshot.Traces.Sum(t => t.Size);
            var outside = byMethod.Values.SelectMany(s => s).Where(s => s.Size > 0).ToList();
            return new RunResult(
                run,
                results,
                exactSites,
                snapshot.ExactAllocatedBytes,
                estimatedAll,
                outside.Sum(s => s.Size),
                snapshot.Traces.Sum(t => t.SampleCount),
                tallies.Sum(t => t.ExpectedSamples),
                snapshot.LostEvents,
                snapshotMs,
                variance == 0 ? 0 : (estimatedAll - exactSites) / Math.Sqrt(variance),
                [.. notes.Select(n => "split: " + n), .. outside.Take(5).Select(s => Invariant($"not in a site: {(s.Traceback.Count == 0 ? "<unknown>" : s.Traceback[0].Method + " " + s.Traceback[0])}: {s.Size / 1e6:F3} MB, {s.SampleCount} samples"))]);
        }
    }
}
