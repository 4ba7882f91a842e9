using MemTrack;
using MemTrack.Tests.Shared;

/// <summary>
/// An app that ends while it is being traced and while threads allocate: <c>exit-timing &lt;return|exit|crash|crash-pool&gt;
/// &lt;threads&gt; &lt;report file or -&gt; [snapshot file [report timeout in seconds]]</c>. It prints the timestamps of its
/// exit call and of its last exit handler (<see cref="ExitMarks"/>) so that the test can time the exit from the call
/// to the process's end.
/// </summary>
internal static class ExitScenario
{
    public static int Run(string[] args)
    {
        string ending = args[0];
        int threads = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        string? report = args[2] == "-" ? null : args[2];
        string? snapshot = args.Length > 3 && args[3] != "-" ? args[3] : null;
        var timeout = TimeSpan.FromSeconds(args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 2);
        MemTracker.Start(new MemTrackerOptions
        {
            Depth = 10,
            ExitReport = report is null ? null : new ExitReportOptions { Path = report, SnapshotPath = snapshot, Timeout = timeout },
        });

        // Registered after MemTracker.Start, so they run after MemTrack's own handlers.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ExitMarks.Print(ExitMarks.HandlersDone);
        AppDomain.CurrentDomain.UnhandledException += (_, _) => ExitMarks.Print(ExitMarks.HandlersDone);

        // Never disposed: the threads allocate until the process ends under them.
        var allocating = new AllocatingThreads(threads);
        if (!allocating.WaitUntilEachAllocated(64 << 20, TimeSpan.FromSeconds(60)))
        {
            Console.Error.WriteLine("the allocating threads did not get going");
            return 2;
        }

        Console.WriteLine($"tracing={MemTracker.IsTracing} threads={threads}");
        ExitMarks.Print(ExitMarks.ExitCall);
        switch (ending)
        {
            case "exit":
                Environment.Exit(7);
                return 7;
            case "crash":
                throw new InvalidOperationException("the app crashed on purpose");
            case "crash-pool":
                // An unhandled exception on a thread-pool thread, while this thread waits: the runtime ends the process.
                ThreadPool.QueueUserWorkItem(_ => throw new InvalidOperationException("a pool thread crashed on purpose"));
                Thread.Sleep(TimeSpan.FromMinutes(1));
                return 3;
            default:
                return 0;
        }
    }
}
