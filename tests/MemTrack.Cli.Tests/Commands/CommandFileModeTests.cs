using MemTrack.Tests.Shared;

namespace MemTrack.Cli.Tests.Commands;

/// <summary>The files the command line writes (memtrack run's kept report and snapshot, memtrack export's output) are the user's only.</summary>
public sealed class CommandFileModeTests : IDisposable
{
    private static readonly string AppPath = ChildProcess.SiblingOutput("MemTrack.Cli.Tests", "MemTrack.HookedApp", "MemTrack.HookedApp.dll");
    private const UnixFileMode UserOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly SnapshotFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void RunAndExportWriteUserOnlyFiles()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string snapshot = _files.Path("run.mtsnap");
        string report = _files.Path("report.txt");
        string export = _files.Path("export.svg");

        CliRun run = CliRun.Of("run", "--snapshot", snapshot, "--report", report, "--", "dotnet", AppPath);
        CliRun exported = CliRun.Of("export", snapshot, "--format", "flamegraph", "-o", export);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(exported.ExitCode == 0, exported.Error);
        Assert.Equal(UserOnly, File.GetUnixFileMode(snapshot));
        Assert.Equal(UserOnly, File.GetUnixFileMode(report));
        Assert.Equal(UserOnly, File.GetUnixFileMode(export));
    }
}
