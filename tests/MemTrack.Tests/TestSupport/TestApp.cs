using System.Diagnostics;

namespace MemTrack.Tests.TestSupport;

/// <summary>
/// Runs the test project's companion app (tests/X.TestApp for the test project X.Tests: MemTrack.TestApp here) as a
/// child process with a scenario and environment, with a timeout. Shared with the other test projects (linked).
/// </summary>
internal static class TestApp
{
    public static string DllPath
    {
        get
        {
            string tests = typeof(TestApp).Assembly.GetName().Name!;
            string app = tests[..tests.LastIndexOf(".Tests", StringComparison.Ordinal)] + ".TestApp";
            string baseDir = AppContext.BaseDirectory;
            string path = Path.GetFullPath(Path.Combine(baseDir.Replace(tests, app, StringComparison.Ordinal), app + ".dll"));
            Assert.True(File.Exists(path), $"test app not built at {path}");
            return path;
        }
    }

    public static (int ExitCode, string Output, TimeSpan Elapsed) Run(string scenario, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(DllPath);
        start.ArgumentList.Add(scenario);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"scenario '{scenario}' did not finish within the timeout");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result, clock.Elapsed);
    }
}
