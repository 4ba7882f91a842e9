using MemTrack.Tests.Shared;
using Xunit.Abstractions;

namespace MemTrack.StartupHook.Tests;

/// <summary>
/// An app traced through the startup hook only (tests/MemTrack.HookedApp, MEMTRACK and MEMTRACK_REPORT) ends promptly
/// after its exit call, however it ends, and writes its report. The app prints the timestamp of its exit call; the exit
/// time runs from there to the moment this process sees it gone. MEMTRACK_EXIT_RUNS repeats each case.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ExitTimingTests(ITestOutputHelper output) : IDisposable
{
    // A hang guard; the figures are in docs/reliability.md.
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(15);
    private static readonly string HookPath = Path.Combine(AppContext.BaseDirectory, "MemTrack.StartupHook.dll");
    private static readonly string AppPath = ChildProcess.SiblingOutput("MemTrack.StartupHook.Tests", "MemTrack.HookedApp", "MemTrack.HookedApp.dll");
    private readonly string _directory = Directory.CreateTempSubdirectory("memtrack-hook-exit-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("return")]
    [InlineData("exit")]
    [InlineData("crash")]
    public void AHookedAppEndsPromptlyAfterItsExitCallAndWritesItsReport(string ending)
    {
        var exits = new Durations();
        int runs = TestSettings.Int("MEMTRACK_EXIT_RUNS", 1);
        for (int run = 0; run < runs; run++)
        {
            string report = Path.Combine(_directory, $"report-{run}.txt");
            var environment = new Dictionary<string, string?> { ["DOTNET_STARTUP_HOOKS"] = HookPath, ["MEMTRACK"] = "10", ["MEMTRACK_REPORT"] = report };

            TimedExit exit = TimedExit.Run("dotnet", [AppPath, ending], environment, TimeSpan.FromSeconds(60));

            int expected = ending switch { "exit" => 7, "crash" => ExitCodes.Crash, _ => 0 };
            Assert.True(exit.Result.ExitCode == expected, exit.Result.Output);
            Assert.Contains("in Catalog.Build", File.ReadAllText(report), StringComparison.Ordinal);
            Assert.NotNull(ExitMarks.Find(exit.Result.StandardOutput, ExitMarks.ExitCall));
            exits.Add(exit.ExitDuration ?? exit.Result.Elapsed); // where the clocks differ, the whole run bounds the exit
        }

        output.WriteLine($"{ending} under the startup hook, with report: exit call -> process gone {exits}");
        Assert.True(exits.Max < ExitBound, $"the app took {exits.Max} to end after its exit call");
    }
}
