using System.Globalization;
using MemTrack.Internal.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MemTrack.Extensions.Hosting.Internal;

/// <summary>
/// Runs the tracer for the host's lifetime. Starting (before any hosted service starts): starts the tracer, or uses
/// the one already running, or logs why it cannot and lets the application run untraced; starts the periodic reports.
/// Stopping (before any hosted service stops, while the application still holds its memory): ends the periodic
/// reports and logs the shutdown report, within <see cref="DefaultShutdownReportTimeout"/> (5 s) and the host's shutdown token.
/// Stopped (after every hosted service stopped): stops the tracer it started, unless it has an exit report to write
/// at process exit. Disposed without Stopped (the host's start failed): the same.
/// </summary>
internal sealed class MemTrackHostedService : IHostedLifecycleService, IDisposable
{
    /// <summary>The logging category of every entry.</summary>
    public const string Category = "MemTrack";

    /// <summary>How long shutdown waits for the last periodic report and the shutdown report.</summary>
    public static readonly TimeSpan DefaultShutdownReportTimeout = TimeSpan.FromSeconds(5);

    private readonly MemTrackHostingOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopReports = new();
    private Task _periodicReports = Task.CompletedTask;
    private bool _tracing;
    private bool _ownsTracer;
    private int _tracerSettled;

    public MemTrackHostedService(MemTrackHostingOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <summary><see cref="DefaultShutdownReportTimeout"/>; tests shorten it to see the report abandoned.</summary>
    internal TimeSpan ShutdownReportTimeout { get; set; } = DefaultShutdownReportTimeout;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        StartTracer();
        if (_tracing && _options.LogInterval is TimeSpan interval)
        {
            _periodicReports = Task.Run(() => ReportPeriodicallyAsync(interval, _stopReports.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (!_tracing)
        {
            return;
        }

        await _stopReports.CancelAsync().ConfigureAwait(false);
        Task shutdownReport = Task.Run(
            async () =>
            {
                await _periodicReports.ConfigureAwait(false);
                Report(AllocationReport.Shutdown);
            },
            CancellationToken.None);
        try
        {
            await shutdownReport.WaitAsync(ShutdownReportTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            MemTrackLog.ShutdownReportAbandoned(_logger, string.Create(CultureInfo.InvariantCulture, $"it did not finish within {ShutdownReportTimeout.TotalSeconds:0.###} s"));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            MemTrackLog.ShutdownReportAbandoned(_logger, "the host's shutdown timeout expired");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        SettleTracer();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Ends the periodic reports and, when the host never got to <see cref="StoppedAsync"/> (another hosted service
    /// failed the host's start, so the host calls neither Stopping nor Stopped), stops the tracer this service started,
    /// as Stopped would have. Never throws; bounded by <see cref="MemTracker.Stop"/> (about 2 s).
    /// </summary>
    public void Dispose()
    {
        _stopReports.Cancel();
        try
        {
            SettleTracer();
        }
        catch (Exception ex)
        {
            // Dispose must not throw into the container's disposal (a logger disposed first, say); MemTracker.Stop has
            // run or thrown after taking the tracer out of use. The logger may be gone: the event source is told.
            BackgroundFaults.HostedServiceFailed("stop the tracer", ex);
        }

        _stopReports.Dispose();
    }

    /// <summary>
    /// Once (Stopped or Dispose, whichever comes first): stops the tracer this service started, when
    /// <see cref="MemTrackHostingOptions.StopTracerOnShutdown"/>, unless it was started with an exit report
    /// (<see cref="MemTrackerOptions.ExitReport"/>), which is written only if tracing is still on when the process
    /// exits. A tracer already running at start is never stopped.
    /// </summary>
    private void SettleTracer()
    {
        if (!_ownsTracer || Interlocked.Exchange(ref _tracerSettled, 1) != 0 || !_options.StopTracerOnShutdown)
        {
            return;
        }

        if (_options.Tracer.ExitReport is not null)
        {
            MemTrackLog.TracingKeptForExitReport(_logger);
            return;
        }

        // Bounded (about 2 s); it also ends a shutdown report still waiting for the tracer.
        MemTracker.Stop();
        MemTrackLog.TracingStopped(_logger);
    }

    private void StartTracer()
    {
        if (MemTracker.Options is { } running)
        {
            UseRunningTracer(running);
            return;
        }

        try
        {
            MemTracker.Start(_options.Tracer);
            _tracing = true;
            _ownsTracer = true;
            MemTrackerOptions tracer = _options.Tracer;
            string schedule = _options.LogInterval is TimeSpan interval ? $"every {interval} and at shutdown" : "at shutdown";
            MemTrackLog.TracingStarted(_logger, tracer.Depth, tracer.TrackLiveObjects, _options.Top, _options.Key, schedule);
        }
        catch (InvalidOperationException) when (MemTracker.Options is { } startedMeanwhile)
        {
            // Another component started the tracer, with other options, between the check and the start.
            UseRunningTracer(startedMeanwhile);
        }
        catch (Exception ex) when (ex is not ArgumentException)
        {
            // Diagnostics disabled or unreachable, or the session failed: the application must run on, untraced.
            // Invalid options (ArgumentException) fail the start instead. Disabled diagnostics are a setting, not a
            // fault: the message says it all, without a stack trace.
            BackgroundFaults.HostedServiceFailed("start the tracer", ex);
            MemTrackLog.TracingUnavailable(_logger, $"{ex.GetType().Name}: {ex.Message}", ex is DiagnosticsUnavailableException ? null : ex);
        }
    }

    private void UseRunningTracer(MemTrackerOptions running)
    {
        _tracing = true;
        MemTrackLog.UsingRunningTracer(_logger, running.Depth);
    }

    private async Task ReportPeriodicallyAsync(TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (!stop.IsCancellationRequested && await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                Report(AllocationReport.Periodic);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    /// <summary>Logs a report; never throws (a failure is logged as a warning).</summary>
    private void Report(string report)
    {
        if (!_logger.IsEnabled(_options.LogLevel))
        {
            return;
        }

        try
        {
            AllocationReport.Write(_logger, _options, report);
        }
        catch (Exception ex)
        {
            BackgroundFaults.HostedServiceFailed($"write the {report} report", ex);
            MemTrackLog.ReportFailed(_logger, report, $"{ex.GetType().Name}: {ex.Message}", ex);
        }
    }
}
