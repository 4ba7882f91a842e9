using MemTrack.Internal;
using MemTrack.Internal.Diagnostics;
using MemTrack.Internal.Reporting;
using MemTrack.Tests.Shared;
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

    [Trait("Category", "Slow")]
    [Fact]
    public void A_crashing_process_whose_reader_is_far_behind_gets_the_report_of_what_was_read_and_it_says_so()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 10, TrackLiveObjects = false }) { SlowReaderForTests = TimeSpan.FromMilliseconds(5) };
        using (var noise = new BackgroundAllocator())
        {
            // About 300 MB of strings: some 3,000 samples, 15 s of work for a reader that takes 5 ms each.
            noise.WaitUntilRunning();
            long mark = noise.Allocations;
            while (noise.Allocations < 2_000_000)
            {
                mark = noise.WaitForMore(mark);
            }

            var writer = new StringWriter();
            (bool written, string errors) = RunCapturingErrors(() => ExitReporter.Run(tracer, new ExitReportOptions { Writer = writer, Timeout = TimeSpan.FromSeconds(2) }, sessionEnding: false));

            Assert.True(written, errors); // within its 2 s timeout
            Assert.Contains("WARNING: the process ended while the tracer's reader was behind", writer.ToString(), StringComparison.Ordinal);
            Assert.StartsWith("MemTrack report of ", writer.ToString(), StringComparison.Ordinal);
        }

        tracer.SlowReaderForTests = TimeSpan.Zero;
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task TheReportGoesThroughAPipeAndTheSnapshotIntoADeviceWithoutReplacingEither()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 10 });
        var values = Workloads.Run(5_000);
        string directory = Directory.CreateTempSubdirectory("memtrack-exit-").FullName;
        try
        {
            string pipe = SpecialFiles.Fifo(directory, "report");
            string device = SpecialFiles.NullDevice(directory, "null");
            Task<string> reader = SpecialFiles.ReadAll(pipe);

            Assert.True(ExitReporter.Run(tracer, new ExitReportOptions { Path = pipe, SnapshotPath = device }, sessionEnding: false));

            GC.KeepAlive(values);
            Assert.Contains("in MemTrack.Tests.TestSupport.Workloads", await reader.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
            Assert.Equal("fifo", SpecialFiles.TypeOf(pipe));
            Assert.Equal("character special file", SpecialFiles.TypeOf(device));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AFailureIsOneLineOnStandardErrorAndAnEventNotAnException()
    {
        MemTracker.Stop();
        using var listener = new DiagnosticsListener();
        using var tracer = new Tracer(new MemTrackerOptions());
        string directory = Path.Combine(Path.GetTempPath(), "memtrack-missing-" + Guid.NewGuid().ToString("N"));
        var options = new ExitReportOptions { Path = Path.Combine(directory, "no", "such", "dir", "r.txt") };

        (bool written, string errors) = RunCapturingErrors(() => ExitReporter.Run(tracer, options, sessionEnding: false));

        Assert.False(written);
        Assert.StartsWith("MemTrack: the exit report failed: DirectoryNotFoundException: The folder of ", errors, StringComparison.Ordinal);
        Assert.Contains(listener.Of(MemTrackDiagnostics.ExitReportFailedId), e => "MemTrack: " + e["error"] + Environment.NewLine == errors);
        Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void WhenTheSessionDoesNotEndTheSnapshotGivesUpFirstAndSaysWhy()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions());
        var options = new ExitReportOptions { Timeout = TimeSpan.FromMilliseconds(500), Writer = TextWriter.Null };

        // The session still runs, so the end of its stream never comes.
        (bool written, string errors) = RunCapturingErrors(() => ExitReporter.Run(tracer, options, sessionEnding: true));

        Assert.False(written);
        Assert.Equal("MemTrack: the exit report failed: MemTrackException: The tracer's reader did not reach the end of the session within 0.4 s." + Environment.NewLine, errors);
    }

    [Fact]
    public void AReportStuckInItsWriterIsAbandonedAtTheTimeout()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions());
        using var release = new ManualResetEventSlim();
        var options = new ExitReportOptions { Timeout = TimeSpan.FromMilliseconds(500), Writer = new BlockingWriter(release) };
        try
        {
            (bool written, string errors) = RunCapturingErrors(() => ExitReporter.Run(tracer, options, sessionEnding: false));

            Assert.False(written);
            Assert.Equal("MemTrack: the exit report did not finish within 0.5 s (ExitReportOptions.Timeout) and was abandoned." + Environment.NewLine, errors);
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public void ASnapshotFileThatCannotBeWrittenDoesNotCostTheReport()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions());
        var writer = new StringWriter();
        string missing = Path.Combine(Path.GetTempPath(), "memtrack-missing-" + Guid.NewGuid().ToString("N"), "s.mtsnap");

        Assert.True(ExitReporter.Run(tracer, new ExitReportOptions { Writer = writer, SnapshotPath = missing }, sessionEnding: false));

        Assert.Contains("Top ", writer.ToString(), StringComparison.Ordinal);
        Assert.Contains($"The snapshot could not be written to {missing}: The folder of {missing} does not exist", writer.ToString(), StringComparison.Ordinal);
    }

    private static (bool Result, string Errors) RunCapturingErrors(Func<bool> run)
    {
        TextWriter standardError = Console.Error;
        var errors = new StringWriter();
        Console.SetError(errors);
        try
        {
            return (run(), errors.ToString());
        }
        finally
        {
            Console.SetError(standardError);
        }
    }

    /// <summary>A writer whose every write waits until the test releases it, as a stuck file system would.</summary>
    private sealed class BlockingWriter(ManualResetEventSlim release) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value) => release.Wait(TimeSpan.FromSeconds(30));

        public override void Write(string? value) => release.Wait(TimeSpan.FromSeconds(30));
    }
}
