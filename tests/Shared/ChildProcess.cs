using System.Diagnostics;
using Xunit;

namespace MemTrack.Tests.Shared;

/// <summary>Runs a program as a child process with extra environment variables, killing it after a timeout.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> (typically an app's dll first).</summary>
    public static ChildResult RunDotnet(IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        Run("dotnet", arguments, environment, timeout);

    /// <summary>
    /// Runs <paramref name="fileName"/>, writing <paramref name="standardInput"/> (if any) to its standard input and then
    /// closing it; kills it and fails the test if it does not exit within the timeout (default 60 s).
    /// </summary>
    public static ChildResult Run(string fileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? standardInput = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = standardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Task input = standardInput is null ? Task.CompletedTask : WriteAndCloseAsync(process.StandardInput, standardInput);
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{fileName} {string.Join(' ', start.ArgumentList)}' did not finish within the timeout");
        }

        process.WaitForExit();
        input.GetAwaiter().GetResult();
        return new ChildResult(process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    private static async Task WriteAndCloseAsync(StreamWriter writer, string text)
    {
        try
        {
            await writer.WriteAsync(text).ConfigureAwait(false);
            writer.Close();
        }
        catch (IOException)
        {
            // The child exited without reading all of it: its exit code and output tell the rest.
        }
    }

    /// <summary>The path of a sibling project's build output, found by replacing the test project's name in this test's output folder.</summary>
    public static string SiblingOutput(string testProject, string project, string fileName)
    {
        string path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory.Replace(testProject, project, StringComparison.Ordinal), fileName));
        Assert.True(File.Exists(path), $"{project} is not built at {path}");
        return path;
    }
}
