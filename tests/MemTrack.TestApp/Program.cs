using System.Diagnostics;
using MemTrack;

// Usage: MemTrack.TestApp <scenario>. Prints one result line; the exit code tells the test what happened.
string scenario = args.Length > 0 ? args[0] : string.Empty;
switch (scenario)
{
    case "start":
        var clock = Stopwatch.StartNew();
        try
        {
            MemTracker.Start(5);
            Console.WriteLine($"started in {clock.ElapsedMilliseconds} ms");
            MemTracker.Stop();
            return 0;
        }
        catch (DiagnosticsUnavailableException ex)
        {
            Console.WriteLine($"DiagnosticsUnavailableException after {clock.ElapsedMilliseconds} ms: {ex.Message}");
            return 3;
        }

    case "degraded":
        // Diagnostics unavailable, degraded mode allowed: Start succeeds, snapshots carry the exact total only, and the
        // exit report (on standard output) says so.
        var degradedClock = Stopwatch.StartNew();
        MemTracker.Start(new MemTrackerOptions { Depth = 5, AllowDegradedMode = true, ExitReport = new ExitReportOptions { Writer = Console.Out } });
        Console.WriteLine($"started in {degradedClock.ElapsedMilliseconds} ms");
        byte[][] data = [.. Enumerable.Range(0, 10).Select(_ => new byte[100_000])];
        Snapshot degraded = MemTracker.TakeSnapshot();
        TracerHealth health = MemTracker.Health;
        Console.WriteLine($"state={health.State} tracing={MemTracker.IsTracing} degraded={degraded.IsDegraded} traces={degraded.Traces.Count} live={degraded.HasLiveData} exact={degraded.ExactAllocatedBytes} kept={data.Length}");
        Console.WriteLine($"error={health.Error?.GetType().Name}");
        Console.WriteLine($"health: {health}");
        Console.WriteLine($"snapshot: {degraded}");
        try
        {
            _ = MemTracker.GetTracedMemory();
            Console.WriteLine("traced memory: no exception");
        }
        catch (MemTrackException ex)
        {
            Console.WriteLine($"traced memory: {ex.GetType().Name}");
        }

        return 0;

    case "exit-while-tracing":
        MemTracker.Start(5);
        _ = new byte[1 << 20];
        Console.WriteLine("tracing");
        return 0;

    case "own-start":
        // An app that starts MemTrack itself, run under the startup hook: its own options win, the hook's exit report stays.
        MemTracker.Start(new MemTrackerOptions { Depth = 3 });
        byte[][] kept = [.. Enumerable.Range(0, 100).Select(_ => new byte[100_000])];
        Console.WriteLine($"depth={MemTracker.TracebackLimit} traces={MemTracker.TakeSnapshot().Traces.Count} kept={kept.Length}");
        return 0;

    case "no-leaks":
        // A heap assertion where the heap cannot be captured must fail loudly, never pass.
        try
        {
            MemoryAssert.NoLeaks(() => _ = new object());
            Console.WriteLine("passed");
            return 0;
        }
        catch (MemoryAssertionException ex)
        {
            Console.WriteLine($"MemoryAssertionException: {ex.Message}");
            return 1;
        }
        catch (MemTrackException ex)
        {
            Console.WriteLine($"{ex.GetType().Name}: {ex.Message}");
            return 3;
        }

    case "live":
        return LiveScenario.Run();

    case "held-records":
        return HeldRecordsScenario.Run();

    case "exit-timing":
        return ExitScenario.Run(args[1..]);

    case "write-files":
        return FilesScenario.Run(args[1]);

    default:
        Console.Error.WriteLine($"unknown scenario '{scenario}'");
        return 2;
}
