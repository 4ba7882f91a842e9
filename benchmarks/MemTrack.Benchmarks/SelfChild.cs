using System.Diagnostics;

namespace MemTrack.Benchmarks;

/// <summary>Runs this benchmark program again as a child process (for measurements that need a fresh process).</summary>
internal static class SelfChild
{
    /// <summary>
    /// Runs the program with <paramref name="arguments"/> and prints the last table row (a line starting with '|') it
    /// printed. A child that fails or prints no row gives a row "<paramref name="label"/> | failed (exit N)", and its
    /// output and errors go to standard error. Returns whether the child succeeded.
    /// </summary>
    public static bool PrintRow(string label, TimeSpan timeout, params string[] arguments)
    {
        var (exitCode, output, error) = Run(timeout, arguments);
        string? row = output.Split('\n').Select(l => l.TrimEnd()).LastOrDefault(l => l.StartsWith('|'));
        if (exitCode != 0 || row is null)
        {
            Console.WriteLine($"| {label} | failed (exit {exitCode}) |");
            Console.Error.WriteLine(output);
            Console.Error.WriteLine(error);
            return false;
        }

        Console.WriteLine(row);
        return true;
    }

    /// <summary>
    /// Runs the program with <paramref name="arguments"/>, reading both of its streams as it goes. A child still running
    /// after <paramref name="timeout"/> is killed and reported with exit code -1.
    /// </summary>
    public static (int ExitCode, string Output, string Error) Run(TimeSpan timeout, params string[] arguments) =>
        Run(timeout, environment: null, arguments);

    /// <summary>As <see cref="Run(TimeSpan, string[])"/>, with extra environment variables for the child.</summary>
    public static (int ExitCode, string Output, string Error) Run(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        using Process child = Start(environment, arguments);
        return WaitForExit(child, timeout);
    }

    /// <summary>Starts the program with <paramref name="arguments"/>, both of its output streams redirected.</summary>
    public static Process Start(params string[] arguments) => Start(environment: null, arguments);

    /// <summary>As <see cref="Start(string[])"/>, with extra environment variables for the child.</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        string processPath = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var start = new ProcessStartInfo(processPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // Started as `dotnet MemTrack.Benchmarks.dll`: run the same assembly again.
            start.ArgumentList.Add(typeof(SelfChild).Assembly.Location);
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the child process.");
    }

    /// <summary>
    /// Reads both streams of a process started with redirected output until it exits. A process still running after
    /// <paramref name="timeout"/> is killed and reported with exit code -1.
    /// </summary>
    public static (int ExitCode, string Output, string Error) WaitForExit(Process child, TimeSpan timeout)
    {
        Task<string> output = child.StandardOutput.ReadToEndAsync();
        Task<string> error = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(timeout))
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            return (-1, output.Result, error.Result + $"timed out after {timeout.TotalMinutes:0} min; killed");
        }

        child.WaitForExit();
        return (child.ExitCode, output.Result, error.Result);
    }
}
