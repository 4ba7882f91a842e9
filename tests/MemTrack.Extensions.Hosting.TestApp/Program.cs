using MemTrack;
using MemTrack.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: MemTrack.Extensions.Hosting.TestApp <scenario>. Logs to the console; the "host stopped" line (followed by the
// exit report in exit-report) and the exit code tell the test what happened.
string scenario = args.Length > 0 ? args[0] : string.Empty;
switch (scenario)
{
    case "host":
        // A host with MemTrack and periodic reports; run with DOTNET_EnableDiagnostics=0 it must run on, untraced.
        // Stopped right after the start: the TracingUnavailable entry is logged by then (the start waits for it), and
        // a tracer that could not start starts no periodic reports, so there is nothing to wait for.
        await RunHostAsync(options => options.LogInterval = TimeSpan.FromMilliseconds(50));
        return 0;

    case "exit-report":
        // A host whose tracer has an exit report: the host leaves it running, and the report follows the last line at exit.
        await RunHostAsync(options => options.Tracer = new MemTrackerOptions { ExitReport = new ExitReportOptions { Writer = Console.Out, Top = 3 } });
        return 0;

    default:
        Console.Error.WriteLine($"unknown scenario '{scenario}'");
        return 2;
}

static async Task RunHostAsync(Action<MemTrackHostingOptions> configure)
{
    HostApplicationBuilder builder = Host.CreateApplicationBuilder();
    builder.Logging.ClearProviders().AddSimpleConsole(options => options.SingleLine = true);
    builder.Services.AddMemTrack(configure);
    using (IHost host = builder.Build())
    {
        await host.StartAsync();
        byte[][] work = Allocate();
        await host.StopAsync();
        Console.Out.Flush();
        GC.KeepAlive(work);
    }

    Console.WriteLine($"host stopped; tracing: {MemTracker.IsTracing}");
}

static byte[][] Allocate()
{
    var arrays = new byte[64][];
    for (int i = 0; i < arrays.Length; i++)
    {
        arrays[i] = new byte[64 * 1024];
    }

    return arrays;
}
