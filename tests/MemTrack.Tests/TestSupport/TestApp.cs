using MemTrack.Tests.Shared;

namespace MemTrack.Tests.TestSupport;

/// <summary>Runs tests/MemTrack.TestApp as a child process with a scenario and environment, with a timeout.</summary>
internal static class TestApp
{
    public static string DllPath => ChildProcess.SiblingOutput("MemTrack.Tests", "MemTrack.TestApp", "MemTrack.TestApp.dll");

    public static (int ExitCode, string Output, TimeSpan Elapsed) Run(string scenario, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var variables = environment?.ToDictionary(pair => pair.Key, pair => (string?)pair.Value);
        ChildResult result = ChildProcess.RunDotnet([DllPath, scenario], variables, timeout);
        return (result.ExitCode, result.Output, result.Elapsed);
    }
}
