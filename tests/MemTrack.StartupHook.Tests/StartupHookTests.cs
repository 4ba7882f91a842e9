using MemTrack.Tests.Shared;

namespace MemTrack.StartupHook.Tests;

/// <summary>
/// Traces tests/MemTrack.HookedApp, which references nothing of MemTrack, through environment variables only
/// (DOTNET_STARTUP_HOOKS and MEMTRACK*), and checks what it writes at exit.
/// </summary>
public sealed class StartupHookTests : IDisposable
{
    private static readonly string HookPath = Path.Combine(AppContext.BaseDirectory, "MemTrack.StartupHook.dll");
    private static readonly string AppPath = ChildProcess.SiblingOutput("MemTrack.StartupHook.Tests", "MemTrack.HookedApp", "MemTrack.HookedApp.dll");
    private static readonly string MemTrackAppPath = ChildProcess.SiblingOutput("MemTrack.StartupHook.Tests", "MemTrack.TestApp", "MemTrack.TestApp.dll");
    private readonly string _directory = Directory.CreateTempSubdirectory("memtrack-hook-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void AnAppThatKnowsNothingOfMemTrackWritesAReportAndASnapshotAtExit()
    {
        string report = Path.Combine(_directory, "report.txt");
        string snapshotFile = Path.Combine(_directory, "exit.mtsnap");

        ChildResult result = RunApp("return", new() { ["MEMTRACK"] = "10", ["MEMTRACK_REPORT"] = report, ["MEMTRACK_SNAPSHOT"] = snapshotFile });

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("catalog=20000", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StandardError);
        string text = File.ReadAllText(report);
        Assert.Contains("Top ", text, StringComparison.Ordinal);
        Assert.Contains("in Catalog.Build", text, StringComparison.Ordinal);
        Assert.Contains("Program.cs:32", text, StringComparison.Ordinal); // HookedApp's list.Add(new byte[512])
        Assert.Contains("lost events: 0", text, StringComparison.Ordinal);
        Assert.Contains("Snapshot written to " + snapshotFile, text, StringComparison.Ordinal);

        Snapshot snapshot = Snapshot.Load(snapshotFile);
        Assert.Equal(10, snapshot.TracebackLimit);
        Assert.True(snapshot.HasLiveData);
        Statistic build = Assert.Single(snapshot.Statistics(KeyType.Method), s => s.Traceback[0].Method == "Catalog.Build");
        Assert.InRange(build.Size, 5L << 20, 20L << 20); // 20,000 arrays of 536 bytes = 10.2 MiB, still alive; estimated
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(report));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(snapshotFile));
        }
    }

    [Fact]
    public void WithoutAReportFileTheReportGoesToStandardError()
    {
        ChildResult result = RunApp("return", new() { ["MEMTRACK"] = "3", ["MEMTRACK_TOP"] = "2", ["MEMTRACK_LIVE"] = "0" });

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("MemTrack report of ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Live: not tracked", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Top 2 lines by allocated memory", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("#3:", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("in Catalog.Build", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReportIsWrittenWhenTheAppExitsEarly()
    {
        ChildResult result = RunApp("exit", new() { ["MEMTRACK"] = "5", ["MEMTRACK_REPORT"] = Path.Combine(_directory, "report-{pid}.txt") });

        Assert.Equal(7, result.ExitCode);
        AssertOneReportNamedByPid();
    }

    [Fact]
    public void TheReportIsWrittenWhenTheAppCrashes()
    {
        ChildResult result = RunApp("crash", new() { ["MEMTRACK"] = "5", ["MEMTRACK_REPORT"] = Path.Combine(_directory, "report-{pid}.txt") });

        Assert.Equal(ExitCodes.Crash, result.ExitCode);
        Assert.Contains("the app crashed on purpose", result.StandardError, StringComparison.Ordinal);
        AssertOneReportNamedByPid();
    }

    [Theory]
    [InlineData("MEMTRACK", "abc", "MEMTRACK='abc' is not a whole number from 0 to 100")]
    [InlineData("MEMTRACK", "101", "MEMTRACK='101' is not a whole number from 0 to 100")]
    [InlineData("MEMTRACK_TOP", "0", "MEMTRACK_TOP='0' is not a whole number from 1 to 1000")]
    [InlineData("MEMTRACK_LIVE", "yes", "MEMTRACK_LIVE='yes' is not a whole number from 0 to 1")]
    public void ABadValueGivesOneLineAndTheAppRunsUntraced(string variable, string value, string message)
    {
        var environment = new Dictionary<string, string?> { ["MEMTRACK"] = "10", [variable] = value };

        ChildResult result = RunApp("return", environment);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("catalog=20000", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal($"MemTrack: {message}; the app runs untraced.", result.StandardError.TrimEnd());
    }

    [Fact]
    public void WithDiagnosticsDisabledTheAppRunsUntracedAfterOneLine()
    {
        ChildResult result = RunApp("return", new() { ["MEMTRACK"] = "10", ["DOTNET_EnableDiagnostics"] = "0" });

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("catalog=20000", result.StandardOutput, StringComparison.Ordinal);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("MemTrack: tracing could not start:", line, StringComparison.Ordinal);
        Assert.EndsWith("The app runs untraced.", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    public void WithoutMemtrackTheHookDoesNothing(string? value)
    {
        ChildResult result = RunApp("return", new() { ["MEMTRACK"] = value, ["MEMTRACK_REPORT"] = Path.Combine(_directory, "report.txt") });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.StandardError);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void AnAppThatStartsMemTrackItselfGetsItsOwnOptionsAndTheHooksReport()
    {
        string report = Path.Combine(_directory, "report.txt");
        var environment = new Dictionary<string, string?> { ["MEMTRACK"] = "10", ["MEMTRACK_REPORT"] = report, ["DOTNET_STARTUP_HOOKS"] = HookPath };

        ChildResult result = ChildProcess.RunDotnet([MemTrackAppPath, "own-start"], environment, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("depth=3 traces=", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("traceback depth 3", File.ReadAllText(report), StringComparison.Ordinal);
    }

    [Fact]
    public void AReportFolderThatDoesNotExistIsOneLineAtStart()
    {
        string report = Path.Combine(_directory, "missing", "report.txt");

        ChildResult result = RunApp("return", new() { ["MEMTRACK"] = "10", ["MEMTRACK_REPORT"] = report });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"MemTrack: MEMTRACK_REPORT='{report}' names a folder that does not exist ({Path.GetDirectoryName(report)}); the app runs untraced.", result.StandardError.TrimEnd());
    }

    [Fact]
    public void AHookWithoutMemTrackBesideItLetsTheAppRunUntraced()
    {
        string lonelyHook = Path.Combine(_directory, "MemTrack.StartupHook.dll");
        File.Copy(HookPath, lonelyHook);

        ChildResult result = RunApp("return", new() { ["MEMTRACK"] = "10" }, lonelyHook);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("catalog=20000", result.StandardOutput, StringComparison.Ordinal);
        string line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("MemTrack: the startup hook failed (FileNotFoundException: ", line, StringComparison.Ordinal);
        Assert.EndsWith("the app runs untraced.", line, StringComparison.Ordinal);
    }

    private void AssertOneReportNamedByPid()
    {
        string written = Assert.Single(Directory.GetFiles(_directory, "report-*.txt"));
        Assert.Matches(@"report-\d+\.txt$", written);
        Assert.Contains("in Catalog.Build", File.ReadAllText(written), StringComparison.Ordinal);
    }

    private static ChildResult RunApp(string ending, Dictionary<string, string?> environment, string? hook = null)
    {
        environment["DOTNET_STARTUP_HOOKS"] = hook ?? HookPath;
        return ChildProcess.RunDotnet([AppPath, ending], environment, TimeSpan.FromSeconds(60));
    }
}
