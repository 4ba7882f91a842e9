using System.Globalization;
using System.Runtime;

namespace MemTrack.Benchmarks;

/// <summary>Facts about the machine and this process, for the harnesses' headers and samples (from Linux's /proc: "n/a" or -1 elsewhere).</summary>
internal static class Machine
{
    /// <summary>Runtime, cores, GC mode, load average and local time, in one line.</summary>
    public static string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $".NET {Environment.Version}, {Environment.ProcessorCount} cores, server GC {GCSettings.IsServerGC}, latency mode {GCSettings.LatencyMode}, load average {LoadAverage()}, {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss zzz}");

    /// <summary>The 1, 5 and 15 minute load averages, as /proc/loadavg prints them.</summary>
    public static string LoadAverage() =>
        TryRead("/proc/loadavg") is { } text ? string.Join(' ', text.Split(' ').Take(3)) : "n/a";

    /// <summary>Resident set size of this process in bytes (VmRSS of /proc/self/status), or -1.</summary>
    public static long ResidentBytes() => StatusBytes("VmRSS");

    /// <summary>Anonymous resident memory of this process in bytes (RssAnon of /proc/self/status: heaps, not mapped files), or -1.</summary>
    public static long ResidentAnonymousBytes() => StatusBytes("RssAnon");

    /// <summary>Peak resident set of this process in bytes (VmHWM of /proc/self/status), or -1.</summary>
    public static long PeakResidentBytes() => StatusBytes("VmHWM");

    /// <summary>Peak resident set of another process in bytes (VmHWM of /proc/pid/status), or -1 (e.g. it has exited).</summary>
    public static long PeakResidentBytes(int processId) => StatusBytes("VmHWM", $"/proc/{processId}/status");

    /// <summary>A "name:   123 kB" line of a /proc status file in bytes, or -1.</summary>
    private static long StatusBytes(string name, string statusPath = "/proc/self/status")
    {
        foreach (string line in (TryRead(statusPath) ?? string.Empty).Split('\n'))
        {
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
            {
                string kilobytes = line[(name.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
