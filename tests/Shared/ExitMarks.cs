using System.Diagnostics;
using System.Globalization;

namespace MemTrack.Tests.Shared;

/// <summary>
/// Timestamps a child process prints on its way out, for the parent to time its exit. They are
/// <see cref="Stopwatch.GetTimestamp"/> values: on Linux CLOCK_MONOTONIC in nanoseconds, one clock for every process of
/// the machine, so the parent can subtract them from its own readings. Linked into the test apps (no xunit here).
/// </summary>
internal static class ExitMarks
{
    /// <summary>Printed right before the app ends: returns from Main, calls Environment.Exit, or throws.</summary>
    public const string ExitCall = "exit-call-timestamp";

    /// <summary>Printed by the app's last exit handler (ProcessExit, or UnhandledException on a crash), after MemTrack's own.</summary>
    public const string HandlersDone = "exit-handlers-done-timestamp";

    /// <summary>Whether timestamps of two processes can be compared: one monotonic clock in nanoseconds (Linux).</summary>
    public static bool Comparable => OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000;

    /// <summary>Prints <c>mark=timestamp</c> on standard output and flushes it.</summary>
    public static void Print(string mark)
    {
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mark}={Stopwatch.GetTimestamp()}"));
        Console.Out.Flush();
    }

    /// <summary>The timestamp printed for <paramref name="mark"/> in <paramref name="output"/>, or null.</summary>
    public static long? Find(string output, string mark)
    {
        string prefix = mark + "=";
        foreach (string line in output.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(prefix.Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long timestamp))
            {
                return timestamp;
            }
        }

        return null;
    }
}
