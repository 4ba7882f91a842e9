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

    case "exit-timing":
        return ExitScenario.Run(args[1..]);

    case "write-files":
        return FilesScenario.Run(args[1]);

    default:
        Console.Error.WriteLine($"unknown scenario '{scenario}'");
        return 2;
}
