using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace MemTrack.Benchmarks;

/// <summary>
/// <c>--compare [rounds] [first round] [path of dotnet-trace.dll]</c>: the .NET half of <c>build/compare</c>. Runs the
/// seed workload in a fresh child process per measurement, in seven modes (untraced; MemTrack at depth 1 and 10 without
/// live tracking; MemTrack at depth 10 with it; MemTrack at depth 10 without it in a process started with
/// <c>DOTNET_RichDebugInfo=1</c>; untraced while <c>dotnet-trace</c> collects MemTrack's runtime events
/// from outside, without and with the liveness keywords), and prints one JSON line per measurement. The order of the
/// modes rotates with the round number. Without a dotnet-trace path the two dotnet-trace modes are left out.
/// <para>
/// A child (<c>--compare-child mode</c>): sets up its mode (MemTrack: <see cref="MemTracker.Start(MemTrackerOptions)"/>,
/// timed; dotnet-trace: waits until the session is attached), runs the workload <see cref="WarmupRuns"/> time(s)
/// untimed, then <see cref="TimedRuns"/> times timed. Before every run: the previous result dropped, a full blocking
/// GC, pending finalizers, another full GC and a <see cref="SettleMs"/> ms sleep, none of it timed. The timed region
/// is <see cref="SeedWorkload.Run"/> alone (Stopwatch around the call). After the last timed run, with its result
/// still held: peak working set (VmHWM), then for MemTrack a snapshot (a check that it sampled) and
/// <see cref="MemTracker.GetTracerMemory"/>.
/// </para>
/// </summary>
internal static class CompareMode
{
    public const string Switch = "--compare";
    public const string ChildSwitch = "--compare-child";

    public const int WarmupRuns = 1;
    public const int TimedRuns = 3;
    private const int SettleMs = 100;

    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan AttachTimeout = TimeSpan.FromMinutes(1);

    private static readonly Mode[] Modes =
    [
        new("untraced", Depth: 0, Live: false, DotnetTrace: false),
        new("memtrack-d1", Depth: 1, Live: false, DotnetTrace: false),
        new("memtrack-d10", Depth: 10, Live: false, DotnetTrace: false),
        new("memtrack-d10-live", Depth: 10, Live: true, DotnetTrace: false),
        new("memtrack-d10-rich", Depth: 10, Live: false, DotnetTrace: false, RichDebugInfo: true),
        new("dotnet-trace", Depth: 0, Live: false, DotnetTrace: true),
        new("dotnet-trace-live", Depth: 0, Live: true, DotnetTrace: true),
    ];

    public static int RunParent(string[] args)
    {
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        int firstRound = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;
        string? dotnetTrace = args.Length > 3 ? args[3] : null;
        var modes = Modes.Where(m => !m.DotnetTrace || dotnetTrace is not null).ToArray();
        int failures = 0;
        for (int round = firstRound; round < firstRound + rounds; round++)
        {
            int shift = round % modes.Length;
            foreach (var mode in modes.Skip(shift).Concat(modes.Take(shift)))
            {
                Console.Error.WriteLine($"  round {round}: .NET {mode.Name}");
                JsonObject result = mode.DotnetTrace ? MeasureUnderDotnetTrace(mode, dotnetTrace!) : Measure(mode);
                result["round"] = round;
                failures += result.ContainsKey("error") ? 1 : 0;
                Console.WriteLine(result.ToJsonString());
            }
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>The <c>--providers</c> argument of dotnet-trace: what <c>SessionProviders.Tracing</c> enables in MemTrack.</summary>
    public static string DotnetTraceProviders(bool live)
    {
        // Mirrors src/MemTrack/Internal/Session/SessionProviders.cs (internal there): AllocationKeywords, plus
        // LivenessKeywords for live tracking, at Verbose. MemTrack's own provider (MemTrack-Internal) does not exist
        // in an untraced process; the handshake source takes its place and writes nothing.
        var keywords = ClrTraceEventParser.Keywords.AllocationSampling | ClrTraceEventParser.Keywords.Jit
            | ClrTraceEventParser.Keywords.Loader | ClrTraceEventParser.Keywords.JittedMethodILToNativeMap;
        if (live)
        {
            keywords |= ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapSurvivalAndMovement;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{ClrTraceEventParser.ProviderName}:0x{(long)keywords:X}:5,{CompareHandshakeSource.ProviderName}:0x0:4");
    }

    /// <summary>One measurement in this process; prints it as one JSON line.</summary>
    public static int RunChild(string[] args)
    {
        var mode = Modes.Single(m => m.Name == args[1]);
        var result = new JsonObject { ["lang"] = ".NET", ["mode"] = mode.Name, ["runtime"] = RuntimeInformation.FrameworkDescription };
        if (mode.Depth > 0)
        {
            long start = Stopwatch.GetTimestamp();
            MemTracker.Start(new MemTrackerOptions { Depth = mode.Depth, TrackLiveObjects = mode.Live });
            result["start_ms"] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (MemTracker.Options is not { } options || options.Depth != mode.Depth || options.TrackLiveObjects != mode.Live)
            {
                throw new InvalidOperationException($"The tracer runs with {MemTracker.Options}, not as {mode.Name} asks.");
            }
        }
        else if (mode.DotnetTrace)
        {
            long wait = Stopwatch.GetTimestamp();
            while (!CompareHandshakeSource.Log.IsEnabled())
            {
                if (Stopwatch.GetElapsedTime(wait) > AttachTimeout)
                {
                    throw new TimeoutException($"No dotnet-trace session attached within {AttachTimeout.TotalSeconds:0} s.");
                }

                Thread.Sleep(10);
            }

            result["attach_wait_ms"] = Stopwatch.GetElapsedTime(wait).TotalMilliseconds;
        }

        var warmup = new JsonArray();
        var times = new JsonArray();
        List<List<SeedWorkload.MyObject>>? held = null;
        for (int run = 0; run < WarmupRuns + TimedRuns; run++)
        {
            held = null;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Thread.Sleep(SettleMs);

            long begin = Stopwatch.GetTimestamp();
            held = SeedWorkload.Run();
            double elapsed = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
            (run < WarmupRuns ? warmup : times).Add(elapsed);
        }

        result["warmup_ms"] = warmup;
        result["times_ms"] = times;
        using (var process = Process.GetCurrentProcess())
        {
            result["peak_rss_bytes"] = process.PeakWorkingSet64;
        }

        if (mode.Depth > 0)
        {
            var snapshot = MemTracker.TakeSnapshot();
            result["samples"] = snapshot.Traces.Sum(t => t.SampleCount);
            result["lost_events"] = snapshot.LostEvents;
            result["tracer_bytes"] = MemTracker.GetTracerMemory();
            MemTracker.Stop();
        }
        else if (mode.DotnetTrace)
        {
            // Still attached after the last timed run: the session covered every timed run.
            result["session_on_at_end"] = CompareHandshakeSource.Log.IsEnabled();
        }

        GC.KeepAlive(held);
        Console.WriteLine(result.ToJsonString());
        return 0;
    }

    private static JsonObject Measure(Mode mode)
    {
        // Rich debug info is read by the JIT at startup only: the child starts with it.
        Dictionary<string, string>? environment = mode.RichDebugInfo ? new() { ["DOTNET_RichDebugInfo"] = "1" } : null;
        var (exitCode, output, error) = SelfChild.Run(ChildTimeout, environment, ChildSwitch, mode.Name);
        return ParseChild(mode, exitCode, output, error);
    }

    /// <summary>
    /// Starts the child, attaches <c>dotnet-trace collect -p</c> to it (the child waits for the session before its
    /// first run; the session ends when the child exits), samples dotnet-trace's own peak resident set while it runs,
    /// and adds the size of the .nettrace file, which is written to a temporary directory and deleted.
    /// </summary>
    private static JsonObject MeasureUnderDotnetTrace(Mode mode, string dotnetTraceDll)
    {
        var directory = Directory.CreateTempSubdirectory("memtrack-compare-");
        try
        {
            string tracePath = Path.Combine(directory.FullName, "seed.nettrace");
            using Process child = SelfChild.Start(ChildSwitch, mode.Name);
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (string argument in (string[])[dotnetTraceDll, "collect", "-p", child.Id.ToString(CultureInfo.InvariantCulture), "--providers", DotnetTraceProviders(mode.Live), "-o", tracePath])
            {
                start.ArgumentList.Add(argument);
            }

            using Process trace = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet-trace.");
            Task<long> tracePeak = Task.Run(() => PeakResidentSetWhileRunning(trace));
            var (exitCode, output, error) = SelfChild.WaitForExit(child, ChildTimeout);
            var traced = SelfChild.WaitForExit(trace, TimeSpan.FromMinutes(1));
            JsonObject result = ParseChild(mode, exitCode, output, error);
            result["dotnet_trace_exit_code"] = traced.ExitCode;
            result["dotnet_trace_peak_rss_bytes"] = tracePeak.Result;
            result["nettrace_bytes"] = File.Exists(tracePath) ? new FileInfo(tracePath).Length : null;
            if (traced.ExitCode != 0 && !result.ContainsKey("error"))
            {
                result["error"] = $"dotnet-trace exit {traced.ExitCode}: {traced.Output} {traced.Error}";
            }

            return result;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The largest VmHWM (peak resident set) read from /proc while the process runs, in bytes; 0 when unreadable.</summary>
    private static long PeakResidentSetWhileRunning(Process process)
    {
        long peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, Machine.PeakResidentBytes(process.Id));
            Thread.Sleep(20);
        }

        return peak;
    }

    private static JsonObject ParseChild(Mode mode, int exitCode, string output, string error)
    {
        string? line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        if (exitCode != 0 || line is null)
        {
            return new JsonObject { ["lang"] = ".NET", ["mode"] = mode.Name, ["error"] = $"exit {exitCode}: {output} {error}".Trim() };
        }

        return JsonNode.Parse(line)!.AsObject();
    }

    private sealed record Mode(string Name, int Depth, bool Live, bool DotnetTrace, bool RichDebugInfo = false);
}
