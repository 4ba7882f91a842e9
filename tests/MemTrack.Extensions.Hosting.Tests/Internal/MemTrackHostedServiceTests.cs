using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using MemTrack.Extensions.Hosting.Internal;
using MemTrack.Extensions.Hosting.Tests.TestSupport;
using MemTrack.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MemTrack.Extensions.Hosting.Tests.Internal;

/// <summary>The hosted service in a real host, tracing this test process.</summary>
[Collection(TracerCollection.Name)]
public sealed class MemTrackHostedServiceTests : IDisposable
{
    private const string ThisFile = "MemTrackHostedServiceTests.cs";
    private const int WorkloadArrays = 256;
    private const int WorkloadArraySize = 64 * 1024; // 16 MiB in all: about 160 samples at one per 100 KiB
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private static byte[][]? s_held;

    private readonly ITestOutputHelper _output;

    public MemTrackHostedServiceTests(ITestOutputHelper output)
    {
        _output = output;
        MemTracker.Stop();
    }

    public void Dispose()
    {
        s_held = null;
        MemTracker.Stop();
    }

    [Fact]
    public async Task TheShutdownReportNamesTheWorkloadLineInBothViewsAndTheTracerStops()
    {
        using var host = new TestHost(options => options.Top = 5);
        await host.Host.StartAsync();
        Assert.True(MemTracker.IsTracing);
        Assert.Single(host.Entries(MemTrackLog.TracingStartedId));

        s_held = AllocateSixteenMebibytesForTheHostedReport();
        await host.Host.StopAsync();

        Assert.False(MemTracker.IsTracing);
        IReadOnlyList<LogEntry> entries = host.MemTrackEntries;
        Print(entries);
        LogEntry summary = Assert.Single(host.Entries(MemTrackLog.SummaryId, AllocationReport.Shutdown));
        Assert.Equal(LogLevel.Information, summary.Level);
        Assert.True((long)summary["ExactAllocatedBytes"]! >= WorkloadArrays * WorkloadArraySize, summary.Message);
        Assert.True((long)summary["TracedLiveBytes"]! > 0, summary.Message);
        Assert.True((long)summary["TracerMemoryBytes"]! > 0, summary.Message);
        Assert.Equal(0L, summary["LostEvents"]);

        foreach (int eventId in new[] { MemTrackLog.LiveSiteId, MemTrackLog.AllocatedSiteId })
        {
            IReadOnlyList<LogEntry> sites = host.Entries(eventId, AllocationReport.Shutdown);
            Assert.InRange(sites.Count, 1, 5);
            Assert.Equal(Enumerable.Range(1, sites.Count), sites.Select(e => (int)e["Rank"]!));
            string bytesName = eventId == MemTrackLog.LiveSiteId ? "LiveBytes" : "AllocatedBytes";
            LogEntry workload = Assert.Single(sites, e => ((string)e["Location"]!).EndsWith($"{ThisFile}:{WorkloadLine}", StringComparison.Ordinal));
            Assert.Equal("System.Byte[]", workload["TypeName"]);
            long bytes = (long)workload[bytesName]!;
            Assert.InRange(bytes, WorkloadArrays * WorkloadArraySize / 2, WorkloadArrays * WorkloadArraySize * 2);
            Assert.InRange((long)workload["SizeMargin"]!, 1, bytes);
            Assert.InRange((long)workload["Count"]!, WorkloadArrays / 2, WorkloadArrays * 2);
            Assert.True((long)workload["Samples"]! >= 30, workload.Message);
            Assert.Contains("(95%)", workload.Message, StringComparison.Ordinal);
            Assert.True(entries.ToList().IndexOf(summary) < entries.ToList().IndexOf(workload), "the summary comes first");
        }

        Assert.Equal(MemTrackLog.TracingStoppedId, entries[^1].EventId.Id);
        Assert.Empty(host.Entries(MemTrackLog.ReportFailedId));
        Assert.Empty(host.Entries(MemTrackLog.ShutdownReportAbandonedId));
        Assert.All(entries, e => Assert.NotEqual(0, e.EventId.Id));
    }

    [Fact]
    public async Task PeriodicReportsFireAtTheIntervalAndTheShutdownReportFollows()
    {
        using var host = new TestHost(options =>
        {
            options.LogInterval = TimeSpan.FromMilliseconds(100);
            options.Top = 3;
        });
        await host.Host.StartAsync();
        s_held = AllocateSixteenMebibytesForTheHostedReport();

        // Each report takes a snapshot (~0.1-0.5 s); wait for the second one's summary.
        host.Logs.WaitFor(
            entries => entries.Count(e => e.EventId.Id == MemTrackLog.SummaryId && Equals(e["Report"], AllocationReport.Periodic)) >= 2,
            WaitLimit);
        await host.Host.StopAsync();

        Print(host.MemTrackEntries);
        Assert.True(host.Entries(MemTrackLog.SummaryId, AllocationReport.Periodic).Count >= 2);
        Assert.NotEmpty(host.Entries(MemTrackLog.AllocatedSiteId, AllocationReport.Periodic));
        Assert.Single(host.Entries(MemTrackLog.SummaryId, AllocationReport.Shutdown));
        Assert.Empty(host.Entries(MemTrackLog.ReportFailedId));

        // No periodic report once the shutdown report is out.
        IReadOnlyList<LogEntry> entries = host.MemTrackEntries;
        int shutdown = entries.ToList().IndexOf(host.Entries(MemTrackLog.SummaryId, AllocationReport.Shutdown)[0]);
        Assert.DoesNotContain(entries.Skip(shutdown), e => Equals(e["Report"], AllocationReport.Periodic));
        Assert.False(MemTracker.IsTracing);
    }

    [Fact]
    public async Task ATracerAlreadyRunningIsUsedAndLeftRunning()
    {
        MemTracker.Start(new MemTrackerOptions { Depth = 3 });
        using var host = new TestHost(options => options.Tracer = new MemTrackerOptions { Depth = 7 });
        await host.Host.StartAsync();
        LogEntry usingRunning = Assert.Single(host.Entries(MemTrackLog.UsingRunningTracerId));
        Assert.Equal(3, usingRunning["Depth"]);
        Assert.Empty(host.Entries(MemTrackLog.TracingStartedId));

        await host.Host.StopAsync();

        Assert.True(MemTracker.IsTracing);
        Assert.Equal(3, MemTracker.TracebackLimit);
        Assert.Single(host.Entries(MemTrackLog.SummaryId, AllocationReport.Shutdown));
        Assert.Empty(host.Entries(MemTrackLog.TracingStoppedId));
    }

    [Fact]
    public async Task StopTracerOnShutdownFalseLeavesTheHostsTracerRunning()
    {
        using var host = new TestHost(options => options.StopTracerOnShutdown = false);
        await host.Host.StartAsync();
        await host.Host.StopAsync();

        Assert.True(MemTracker.IsTracing);
        Assert.Single(host.Entries(MemTrackLog.SummaryId, AllocationReport.Shutdown));
        Assert.Empty(host.Entries(MemTrackLog.TracingStoppedId));
    }

    [Fact]
    public async Task ATracerWithAnExitReportIsLeftRunningForItAndTheHostSaysSo()
    {
        using var host = new TestHost(options => options.Tracer = new MemTrackerOptions { ExitReport = new ExitReportOptions { Writer = TextWriter.Null } });
        await host.Host.StartAsync();
        await host.Host.StopAsync();

        Assert.True(MemTracker.IsTracing);
        Assert.Single(host.Entries(MemTrackLog.SummaryId, AllocationReport.Shutdown));
        Assert.Empty(host.Entries(MemTrackLog.TracingStoppedId));
        Assert.Equal(MemTrackLog.TracingKeptForExitReportId, host.MemTrackEntries[^1].EventId.Id);
    }

    [Fact]
    public void TheExitReportOfTheHostsTracerIsWrittenAtProcessExit()
    {
        var (exitCode, output, _) = TestApp.Run("exit-report");
        _output.WriteLine(output);

        Assert.Equal(0, exitCode);
        Assert.Contains($"info: {MemTrackHostedService.Category}[{MemTrackLog.TracingKeptForExitReportId}]", output, StringComparison.Ordinal);
        int stopped = output.IndexOf("host stopped; tracing: True", StringComparison.Ordinal);
        Assert.True(stopped >= 0, "the host left the tracer running");
        Assert.True(output.IndexOf("MemTrack report of ", stopped, StringComparison.Ordinal) > stopped, "the exit report follows");
    }

    [Fact]
    public async Task WithoutLiveTrackingAndByTypeOnlyTheAllocatedViewIsLoggedPerType()
    {
        using var host = new TestHost(options =>
        {
            options.Tracer = new MemTrackerOptions { TrackLiveObjects = false };
            options.Key = KeyType.Type;
            options.LogLevel = LogLevel.Warning;
        });
        await host.Host.StartAsync();
        s_held = AllocateSixteenMebibytesForTheHostedReport();
        await host.Host.StopAsync();

        Print(host.MemTrackEntries);
        Assert.Empty(host.Entries(MemTrackLog.SummaryId));
        Assert.Empty(host.Entries(MemTrackLog.LiveSiteId));
        Assert.Equal(LogLevel.Warning, Assert.Single(host.Entries(MemTrackLog.SummaryWithoutLiveDataId)).Level);
        LogEntry bytes = Assert.Single(host.Entries(MemTrackLog.AllocatedSiteId), e => Equals(e["TypeName"], "System.Byte[]"));
        Assert.Equal(AllocationReport.AllSites, bytes["Location"]);
        Assert.Equal(LogLevel.Warning, bytes.Level);
    }

    [Fact]
    public async Task NoReportIsMadeWhenItsLevelIsNotEnabled()
    {
        // The host's default minimum level is Information.
        using var host = new TestHost(options => options.LogLevel = LogLevel.Debug);
        await host.Host.StartAsync();
        await host.Host.StopAsync();

        Assert.Single(host.Entries(MemTrackLog.TracingStartedId));
        Assert.DoesNotContain(host.MemTrackEntries, e => e["Report"] is not null);
        Assert.False(MemTracker.IsTracing);
    }

    [Fact]
    public async Task TracerOptionsOutOfRangeFailTheStartNamingTheOption()
    {
        using var host = new TestHost(options => options.Tracer = new MemTrackerOptions { Depth = 0 });
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Host.StartAsync());
        Assert.Equal("Depth", ex.ParamName);
        Assert.False(MemTracker.IsTracing);
    }

    [Fact]
    public async Task AShutdownReportStillRunningWhenTheHostsShutdownTokenFiresIsAbandonedWithAWarning()
    {
        using var host = new TestHost();
        using var shutdown = new CancellationTokenSource();
        object? reason = await StopWithTheShutdownReportHeldAsync(host, async () =>
        {
            Task stop = host.Host.StopAsync(shutdown.Token);
            host.Logs.WaitFor(entries => entries.Any(IsShutdownSummary), WaitLimit); // the report is now held in the logger
            await shutdown.CancelAsync();
            await stop;
        });

        Assert.Equal("the host's shutdown timeout expired", reason);
    }

    [Fact]
    public async Task AShutdownReportOverItsBudgetIsAbandonedWithAWarning()
    {
        using var host = new TestHost();
        host.Service.ShutdownReportTimeout = TimeSpan.FromMilliseconds(500);
        object? reason = await StopWithTheShutdownReportHeldAsync(host, () => host.Host.StopAsync());

        Assert.Equal("it did not finish within 0.5 s", reason);
    }

    [Fact]
    public async Task AFailedHostStartLeavesNoTracerRunningOnceTheHostIsDisposed()
    {
        using (var host = new TestHost(configure: null, services => services.AddHostedService<FailingToStartService>()))
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Host.StartAsync());
            Assert.Equal(FailingToStartService.Message, ex.Message);
            Assert.True(MemTracker.IsTracing); // started in StartingAsync; the host calls neither Stopping nor Stopped
            Assert.Single(host.Entries(MemTrackLog.TracingStartedId));
        }

        Assert.False(MemTracker.IsTracing);
    }

    [Fact]
    public async Task AReportThatFailsIsLoggedAndToldToTheMemTrackEventSource()
    {
        using var listener = new HostedServiceFailures();
        using var host = new TestHost();
        await host.Host.StartAsync();

        MemTracker.Stop(); // behind the service's back: its shutdown report cannot take a snapshot
        await host.Host.StopAsync();

        LogEntry failed = Assert.Single(host.Entries(MemTrackLog.ReportFailedId));
        Assert.Contains("InvalidOperationException", failed.Message, StringComparison.Ordinal);
        Assert.Contains(listener.Failures, f => f.Operation == "write the shutdown report" && f.Error.StartsWith("InvalidOperationException: MemTrack is not tracing", StringComparison.Ordinal));
    }

    [Fact]
    public void WithDiagnosticsDisabledTheHostRunsUntracedAndSaysWhy()
    {
        var (exitCode, output, _) = TestApp.Run("host", new Dictionary<string, string> { ["DOTNET_EnableDiagnostics"] = "0" });
        _output.WriteLine(output);

        Assert.Equal(0, exitCode);
        Assert.Contains($"warn: {MemTrackHostedService.Category}[{MemTrackLog.TracingUnavailableId}]", output, StringComparison.Ordinal);
        Assert.Contains("the application runs untraced: DiagnosticsUnavailableException", output, StringComparison.Ordinal);
        Assert.DoesNotContain($"{MemTrackHostedService.Category}[{MemTrackLog.SummaryId}]", output, StringComparison.Ordinal);
        Assert.DoesNotContain($"{MemTrackHostedService.Category}[{MemTrackLog.ReportFailedId}]", output, StringComparison.Ordinal);
        Assert.EndsWith("host stopped; tracing: False", output.TrimEnd(), StringComparison.Ordinal);
    }

    /// <summary>The HostedServiceFailed events of MemTrack's self-diagnostics event source, in this process.</summary>
    private sealed class HostedServiceFailures : EventListener
    {
        private readonly ConcurrentQueue<(string Operation, string Error)> _failures = new();

        public IReadOnlyList<(string Operation, string Error)> Failures => [.. _failures];

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "MemTrack")
            {
                EnableEvents(eventSource, EventLevel.Warning);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventSource.Name == "MemTrack" && eventData.EventName == "HostedServiceFailed")
            {
                _failures.Enqueue(((string)eventData.Payload![0]!, (string)eventData.Payload[1]!));
            }
        }
    }

    private sealed class FailingToStartService : IHostedService
    {
        public const string Message = "this service fails the host's start";

        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException(Message);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static readonly int WorkloadLine = Line() + 8;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte[][] AllocateSixteenMebibytesForTheHostedReport()
    {
        var arrays = new byte[WorkloadArrays][];
        for (int i = 0; i < arrays.Length; i++)
        {
            arrays[i] = new byte[WorkloadArraySize];
        }

        return arrays;
    }

    private static bool IsShutdownSummary(LogEntry entry) =>
        entry.EventId.Id == MemTrackLog.SummaryId && Equals(entry["Report"], AllocationReport.Shutdown);

    /// <summary>
    /// Starts the host, then runs <paramref name="stop"/> while the logger holds the shutdown report at its summary,
    /// and checks that shutdown went on regardless: within <see cref="WaitLimit"/>, with one warning that the report
    /// was abandoned, and with the tracer stopped. Returns the warning's reason.
    /// </summary>
    private static async Task<object?> StopWithTheShutdownReportHeldAsync(TestHost host, Func<Task> stop)
    {
        var release = new TaskCompletionSource();
        host.Logs.Logged = entry =>
        {
            if (IsShutdownSummary(entry))
            {
                release.Task.Wait(WaitLimit);
            }
        };
        await host.Host.StartAsync();
        try
        {
            await stop().WaitAsync(WaitLimit);
        }
        finally
        {
            release.SetResult();
        }

        LogEntry abandoned = Assert.Single(host.Entries(MemTrackLog.ShutdownReportAbandonedId));
        Assert.Equal(LogLevel.Warning, abandoned.Level);
        Assert.Single(host.Entries(MemTrackLog.TracingStoppedId));
        Assert.False(MemTracker.IsTracing);
        return abandoned["Reason"];
    }

    private static int Line([CallerLineNumber] int line = 0) => line;

    private void Print(IEnumerable<LogEntry> entries)
    {
        foreach (LogEntry entry in entries)
        {
            _output.WriteLine(entry.ToString());
        }
    }
}
