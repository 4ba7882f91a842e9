using MemTrack.Internal;
using MemTrack.Internal.Reporting;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests.Internal.Reporting;

[Collection(TracerCollection.Name)]
public sealed class ExitReporterTests
{
    [Fact]
    public void WhileTheSessionRunsTheReportTakesASnapshotThroughTheReader()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 10 });
        var values = Workloads.Run(5_000);
        var writer = new StringWriter();

        bool written = ExitReporter.Run(tracer, new ExitReportOptions { Writer = writer, Top = 3 }, sessionEnding: false);

        GC.KeepAlive(values);
        Assert.True(written);
        string text = writer.ToString();
        Assert.Contains("Top 3 lines by live memory", text, StringComparison.Ordinal);
        Assert.Contains("in MemTrack.Tests.TestSupport.Workloads", text, StringComparison.Ordinal);
        Assert.Contains("Tracer memory: ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AfterTheSessionEndedTheReportReadsWhatTheReaderDrained()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 10 });
        var values = Workloads.Run(5_000);
        _ = tracer.TakeSnapshot(collect: false); // every sample of the workload has been read
        Assert.True(tracer.Stop(TimeSpan.FromSeconds(5)));
        string directory = Directory.CreateTempSubdirectory("memtrack-exit-").FullName;
        try
        {
            var options = new ExitReportOptions { Path = Path.Combine(directory, "r.txt"), SnapshotPath = Path.Combine(directory, "s.mtsnap") };

            Assert.True(ExitReporter.Run(tracer, options, sessionEnding: true));

            GC.KeepAlive(values);
            Assert.Contains("in MemTrack.Tests.TestSupport.Workloads", File.ReadAllText(options.Path), StringComparison.Ordinal);
            Assert.Contains(Snapshot.Load(options.SnapshotPath).Traces, t => t.Traceback.Any(f => f.Method.StartsWith("MemTrack.Tests.TestSupport.Workloads", StringComparison.Ordinal)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AFailureIsOneLineOnStandardErrorNotAnException()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions());
        string directory = Path.Combine(Path.GetTempPath(), "memtrack-missing-" + Guid.NewGuid().ToString("N"));
        var options = new ExitReportOptions { Path = Path.Combine(directory, "no", "such", "dir", "r.txt") };

        TextWriter standardError = Console.Error;
        var errors = new StringWriter();
        Console.SetError(errors);
        try
        {
            Assert.False(ExitReporter.Run(tracer, options, sessionEnding: false));
        }
        finally
        {
            Console.SetError(standardError);
        }

        Assert.StartsWith("MemTrack: the exit report failed: DirectoryNotFoundException: ", errors.ToString(), StringComparison.Ordinal);
        Assert.Single(errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void AReportThatCannotFinishInTimeGivesUpAndSaysSo()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions());
        var options = new ExitReportOptions { Timeout = TimeSpan.FromMilliseconds(200), Writer = TextWriter.Null };
        TextWriter standardError = Console.Error;
        var errors = new StringWriter();
        Console.SetError(errors);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // The session is still running, so the end of its stream never comes: the report must give up.
            Assert.False(ExitReporter.Run(tracer, options, sessionEnding: true));
        }
        finally
        {
            Console.SetError(standardError);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.StartsWith("MemTrack: the exit report ", errors.ToString(), StringComparison.Ordinal);
    }
}
