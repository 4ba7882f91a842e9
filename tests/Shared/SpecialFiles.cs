using Xunit;

namespace MemTrack.Tests.Shared;

/// <summary>
/// Makes the special files a write must not replace, in a test's own folder (never in /dev): named pipes (mkfifo) and
/// device nodes (mknod, which needs root, as CI runs the tests); and tells a file's type as <c>stat -c %F</c> does.
/// </summary>
internal static class SpecialFiles
{
    public static string Fifo(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        Run("mkfifo", path);
        return path;
    }

    /// <summary>A character device node with the numbers of /dev/null (1, 3): what is written to it is discarded.</summary>
    public static string NullDevice(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        Run("mknod", path, "c", "1", "3");
        return path;
    }

    /// <summary>A block device node (a loop device number, never opened).</summary>
    public static string BlockDevice(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        Run("mknod", path, "b", "7", "200");
        return path;
    }

    /// <summary>The file type as stat prints it ("character special file", "fifo", "regular file", "symbolic link", ...), without following links.</summary>
    public static string TypeOf(string path) => Run("stat", "-c", "%F", path).Trim();

    /// <summary>Starts reading everything written to a pipe until its writer closes it.</summary>
    public static Task<string> ReadAll(string fifo) => Task.Run(() => File.ReadAllText(fifo));

    private static string Run(string program, params string[] arguments)
    {
        ChildResult result = ChildProcess.Run(program, arguments, timeout: TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed (device nodes need root, as CI runs the tests): {result.StandardError}");
        return result.StandardOutput;
    }
}
