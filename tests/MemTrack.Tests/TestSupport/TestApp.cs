using MemTrack.Tests.Shared;

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
            return ChildProcess.SiblingOutput(tests, app, app + ".dll");
        }
    }

    public static (int ExitCode, string Output, TimeSpan Elapsed) Run(string scenario, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var variables = environment?.ToDictionary(pair => pair.Key, pair => (string?)pair.Value);
        ChildResult result = ChildProcess.RunDotnet([DllPath, scenario], variables, timeout);
        return (result.ExitCode, result.Output, result.Elapsed);
    }
}
