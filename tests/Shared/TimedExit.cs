using System.Diagnostics;
using Xunit;

namespace MemTrack.Tests.Shared;

/// <summary>
/// Runs a child process that prints <see cref="ExitMarks"/> and times its exit: from the exit call (the child's
/// timestamp) to the moment this process sees it gone (its own timestamp right after the wait returns, on the same
/// clock), and to the end of the child's last exit handler. Null durations when the clocks are not comparable or a
/// mark is missing.
/// </summary>
internal sealed record TimedExit(ChildResult Result, TimeSpan? ExitDuration, TimeSpan? HandlersDuration)
{
    /// <summary>Runs <paramref name="fileName"/>; kills it and fails the test if it is not gone within <paramref name="timeout"/>.</summary>
    public static TimedExit Run(string fileName, IEnumerable<string> arguments, IDictionary<string, string?> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{fileName} {string.Join(' ', start.ArgumentList)}' did not end within {timeout}");
        }

        long gone = Stopwatch.GetTimestamp();
        TimeSpan elapsed = clock.Elapsed;
        process.WaitForExit();
        var result = new ChildResult(process.ExitCode, stdout.Result, stderr.Result, elapsed);
        long? call = ExitMarks.Find(result.StandardOutput, ExitMarks.ExitCall);
        long? handlers = ExitMarks.Find(result.StandardOutput, ExitMarks.HandlersDone);
        return new TimedExit(
            result,
            ExitMarks.Comparable && call is long c ? Stopwatch.GetElapsedTime(c, gone) : null,
            call is long c2 && handlers is long h ? Stopwatch.GetElapsedTime(c2, h) : null);
    }
}
