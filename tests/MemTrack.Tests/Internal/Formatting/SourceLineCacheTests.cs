using System.Diagnostics;
using System.Text;
using MemTrack.Tests.Shared;

namespace MemTrack.Tests.Internal.Formatting;

/// <summary>
/// Tracebacks print the source line of each frame when its file can be read (SourceLineCache). A snapshot loaded from a
/// file can name any path, so only regular files are read, at most their size: not devices that never end, not pipes
/// whose opening blocks, not /proc files such as the process's environment.
/// </summary>
public sealed class SourceLineCacheTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("memtrack-lines-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    [InlineData("/proc/self/environ")]
    [InlineData("/proc/self/cmdline")]
    [InlineData("/proc/self/maps")]
    public void SpecialFilesArePrintedWithoutASourceLine(string path)
    {
        if (!File.Exists(path))
        {
            return; // not Linux
        }

        Assert.Equal([$"  File \"{path}\", line 1, in M"], FormatWithin(path, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void APipeIsNotOpened()
    {
        string fifo = Path.Combine(_directory, "pipe.cs");
        if (OperatingSystem.IsWindows() || ChildProcess.Run("mkfifo", [fifo]).ExitCode != 0)
        {
            return;
        }

        Assert.Equal([$"  File \"{fifo}\", line 1, in M"], FormatWithin(fifo, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void ALinkIsJudgedByItsTarget()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/dev/zero"))
        {
            return;
        }

        string source = Write("real.cs", "first line\n  second line  \n");
        string toSource = Path.Combine(_directory, "to-real.cs");
        string toZero = Path.Combine(_directory, "to-zero.cs");
        string dangling = Path.Combine(_directory, "dangling.cs");
        File.CreateSymbolicLink(toSource, source);
        File.CreateSymbolicLink(toZero, "/dev/zero");
        File.CreateSymbolicLink(dangling, Path.Combine(_directory, "missing.cs"));

        Assert.Equal("    second line", FormatWithin(toSource, TimeSpan.FromSeconds(30), line: 2)[1]);
        Assert.Single(FormatWithin(toZero, TimeSpan.FromSeconds(30)));
        Assert.Single(FormatWithin(dangling, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void RegularFilesAreReadWithTheirEncodingAndTooLargeOrEmptyOnesAreNot()
    {
        string utf8 = Write("utf8.cs", "var x = \"日本語\";\n");
        string bom = Path.Combine(_directory, "utf16.cs");
        File.WriteAllText(bom, "a\nb = 2;\n", Encoding.Unicode);
        string empty = Write("empty.cs", string.Empty);
        string large = Path.Combine(_directory, "large.cs");
        File.WriteAllBytes(large, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("x\n", (4 << 20) / 2 + 1))));

        Assert.Equal("    var x = \"日本語\";", FormatWithin(utf8, TimeSpan.FromSeconds(30))[1]);
        Assert.Equal("    b = 2;", FormatWithin(bom, TimeSpan.FromSeconds(30), line: 2)[1]);
        Assert.Single(FormatWithin(utf8, TimeSpan.FromSeconds(30), line: 2)); // past the end
        Assert.Single(FormatWithin(empty, TimeSpan.FromSeconds(30)));
        Assert.Single(FormatWithin(large, TimeSpan.FromSeconds(30)));
        Assert.Single(FormatWithin(_directory, TimeSpan.FromSeconds(30)));
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    // On a thread of its own, so that a read that never ends fails this test instead of hanging the suite.
    private static IReadOnlyList<string> FormatWithin(string path, TimeSpan timeout, int line = 1)
    {
        var traceback = new Traceback([new Frame("M", path, line, "x.dll")]);
        var clock = Stopwatch.StartNew();
        Task<IReadOnlyList<string>> format = Task.Factory.StartNew(() => traceback.Format(), TaskCreationOptions.LongRunning);
        Assert.True(format.Wait(timeout), $"formatting a traceback naming {path} did not finish within {timeout}");
        Assert.True(clock.Elapsed < timeout);
        return format.Result;
    }
}
