using MemTrack.Tests.Shared;

namespace MemTrack.Cli.Tests.Commands;

/// <summary>memtrack run traces tests/MemTrack.HookedApp, which references nothing of MemTrack.</summary>
public sealed class RunCommandTests : IDisposable
{
    private static readonly string AppPath = ChildProcess.SiblingOutput("MemTrack.Cli.Tests", "MemTrack.HookedApp", "MemTrack.HookedApp.dll");
    private readonly SnapshotFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void RunsTheAppPrintsItsReportAndReturnsItsExitCode()
    {
        string snapshot = _files.Path("run.mtsnap");
        string report = _files.Path("report-{pid}.txt");

        CliRun run = CliRun.Of("run", "--depth", "4", "-n", "2", "--snapshot", snapshot, "--report", report, "--", "dotnet", AppPath, "exit");

        Assert.Equal(7, run.ExitCode);
        Assert.StartsWith("MemTrack report of ", run.Output, StringComparison.Ordinal);
        Assert.Contains("traceback depth 4", run.Output, StringComparison.Ordinal);
        Assert.Contains("Top 2 lines by live memory", run.Output, StringComparison.Ordinal);
        Assert.Contains("in Catalog.Build", run.Output, StringComparison.Ordinal);
        Assert.Contains("Catalog.Build", Snapshot.Load(snapshot).Statistics(KeyType.Method).Select(s => s.Traceback[0].Method));
        string kept = Assert.Single(Directory.GetFiles(_files.Directory, "report-*.txt"));
        Assert.Equal(run.Output, File.ReadAllText(kept));
        Assert.Contains("memtrack: tracing 'dotnet ", run.Error, StringComparison.Ordinal);

        // memtrack run starts the app with rich debug info, so inlined methods get frames and no note says otherwise.
        Assert.True(Snapshot.Load(snapshot).Info.InliningReported);
        Assert.DoesNotContain("DOTNET_RichDebugInfo", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void AProgramThatIsNotDotnetWritesNoReportAndExitsWithThree()
    {
        CliRun run = CliRun.Of("run", "--", "/bin/sh", "-c", "exit 0");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("wrote no MemTrack report", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingProgramIsOneLineAndExitCodeThree()
    {
        CliRun run = CliRun.Of("run", "--", _files.Path("no-such-program"));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("could not start", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutLiveTrackingOnlyTheAllocatedViewIsReported()
    {
        CliRun run = CliRun.Of("run", "--no-live", "-n", "1", "--", "dotnet", AppPath);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Live: not tracked", run.Output, StringComparison.Ordinal);
        Assert.Contains("Top 1 line by allocated memory", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ACrashingAppStillGivesItsReportAndItsExitCode()
    {
        CliRun run = CliRun.Of("run", "-n", "1", "--", "dotnet", AppPath, "crash");

        Assert.Equal(ExitCodes.Crash, run.ExitCode);
        Assert.True(run.Output.Contains("in Catalog.Build", StringComparison.Ordinal), $"The report does not name Catalog.Build:\n{run.Output}");
    }

    [Theory]
    [InlineData("--report")]
    [InlineData("--snapshot")]
    public void AnOutputFolderThatDoesNotExistIsRefusedBeforeTheAppRuns(string option)
    {
        string file = _files.Path(Path.Combine("missing", "out"));

        CliRun run = CliRun.Of("run", option, file, "--", "dotnet", AppPath);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"memtrack: {option} {file}: the folder {Path.GetDirectoryName(file)} does not exist.", run.ErrorLine);
        Assert.DoesNotContain("tracing '", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TopAboveTheReportsLimitIsAUsageError()
    {
        CliRun run = CliRun.Of("run", "-n", "5000", "--", "dotnet", AppPath);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("memtrack: -n must be from 1 to 1000.", run.ErrorLine);
    }

    [Fact]
    public void ACommandIsRequired()
    {
        CliRun run = CliRun.Of("run");

        Assert.Equal(2, run.ExitCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    public void DepthOutOfRangeIsAUsageError(string depth)
    {
        CliRun run = CliRun.Of("run", "--depth", depth, "--", "dotnet", AppPath);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("memtrack: --depth must be from 1 to 100.", run.ErrorLine);
    }
}
