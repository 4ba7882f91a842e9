using MemTrack.Tests.Shared;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>
/// Every file MemTrack writes (snapshot dumps, each export format, the exit report and its snapshot) is readable and
/// writable by the user only, whatever the umask: the writing app (tests/MemTrack.TestApp, scenario write-files) runs
/// with umask 000, under which a plain File.WriteAllText gives 0666.
/// </summary>
public sealed class FilePermissionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("memtrack-modes-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void EveryFileMemTrackWritesIsUserOnlyEvenWithAnOpenUmask()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix modes; on Windows the files inherit the folder's ACL
        }

        ChildResult result = ChildProcess.Run("/bin/sh", ["-c", "umask 000 && exec dotnet \"$0\" write-files \"$1\"", TestApp.DllPath, _directory]);

        Assert.True(result.ExitCode == 0, result.Output);
        const UnixFileMode Open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        Assert.Equal(Open, File.GetUnixFileMode(Path.Combine(_directory, "control.txt")));
        string[] written = [.. Directory.GetFiles(_directory).Where(f => Path.GetFileName(f) != "control.txt").Order(StringComparer.Ordinal)];
        string[] expected = ["dump.mtsnap", "exit-report.txt", "exit-snapshot.mtsnap", .. Enum.GetValues<ExportFormat>().Select(f => "export-" + f)];
        Assert.Equal(expected.Order(StringComparer.Ordinal), written.Select(f => Path.GetFileName(f)));
        foreach (string file in written)
        {
            Assert.True(File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{file} is {File.GetUnixFileMode(file)}");
        }
    }
}
