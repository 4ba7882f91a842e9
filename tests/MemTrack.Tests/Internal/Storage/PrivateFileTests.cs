using MemTrack.Internal.Storage;
using MemTrack.Tests.Shared;

namespace MemTrack.Tests.Internal.Storage;

public sealed class PrivateFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("memtrack-private-file-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Write_creates_a_user_only_file_with_the_content()
    {
        string path = Path.Combine(_directory, "out.txt");
        PrivateFile.Write(path, stream => stream.Write("hello"u8));
        Assert.Equal("hello", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void A_writer_that_throws_leaves_the_old_file_and_no_temporary_file()
    {
        string path = Path.Combine(_directory, "out.txt");
        File.WriteAllText(path, "old");
        var error = Assert.Throws<InvalidOperationException>(() => PrivateFile.Write(path, stream =>
        {
            stream.Write("half"u8);
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("boom", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => PrivateFile.Write(null!, _ => { }));
        Assert.Throws<ArgumentException>(() => PrivateFile.Write(string.Empty, _ => { }));
        Assert.Throws<ArgumentNullException>(() => PrivateFile.Write(Path.Combine(_directory, "x"), null!));
        Assert.Throws<ArgumentException>(() => PrivateFile.Write(Path.GetPathRoot(_directory)!, _ => { }));
    }

    // What is at the path decides what a write does: only a regular file (or nothing) is replaced. These run on Unix as
    // root, as CI does (device nodes need mknod); the nodes live in the test's own folder, never in /dev.

    [Fact]
    public void A_character_device_is_written_through_and_stays_a_device()
    {
        string device = SpecialFiles.NullDevice(_directory, "null");

        PrivateFile.Write(device, stream => stream.Write("discarded"u8));

        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of(device));
        Assert.Equal([device], Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public async Task A_named_pipe_is_written_through_to_its_reader_and_stays_a_pipe()
    {
        string pipe = SpecialFiles.Fifo(_directory, "pipe");
        Task<string> reader = SpecialFiles.ReadAll(pipe);

        PrivateFile.Write(pipe, stream => stream.Write("through the pipe"u8));

        Assert.Equal("through the pipe", await reader.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(FileKind.Pipe, FileKinds.Of(pipe));
    }

    [Fact]
    public void A_named_pipe_nobody_reads_is_an_error_after_the_timeout()
    {
        string pipe = SpecialFiles.Fifo(_directory, "pipe");

        var error = Assert.Throws<IOException>(() => PrivateFile.Write(pipe, stream => stream.Write("x"u8), TimeSpan.FromMilliseconds(200)));

        Assert.Contains(pipe, error.Message, StringComparison.Ordinal);
        Assert.Equal(FileKind.Pipe, FileKinds.Of(pipe));
        using (File.OpenRead(pipe))
        {
            // Opening it to read releases the abandoned writer's open, which closes at once without writing.
        }
    }

    [Fact]
    public void A_symbolic_link_is_followed_and_stays_a_link()
    {
        string file = Path.Combine(_directory, "real.txt");
        string link = Path.Combine(_directory, "link.txt");
        File.WriteAllText(file, "old");
        File.CreateSymbolicLink(link, file);

        PrivateFile.Write(link, stream => stream.Write("new"u8));

        Assert.Equal(file, new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        // A link to nothing: the file it names is made.
        string dangling = Path.Combine(_directory, "dangling.txt");
        string missing = Path.Combine(_directory, "made.txt");
        File.CreateSymbolicLink(dangling, missing);
        PrivateFile.Write(dangling, stream => stream.Write("made"u8));
        Assert.Equal("made", File.ReadAllText(missing));
        Assert.Equal(missing, new FileInfo(dangling).LinkTarget);
    }

    [Fact]
    public void A_directory_or_a_link_to_one_is_an_error_naming_the_path()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_directory, "folder")).FullName;
        string link = Path.Combine(_directory, "to-folder");
        File.CreateSymbolicLink(link, folder);

        foreach (string path in (string[])[folder, link])
        {
            var error = Assert.Throws<IOException>(() => PrivateFile.Write(path, stream => stream.Write("x"u8)));
            Assert.Equal($"'{path}' is a directory, not a file.", error.Message);
        }

        Assert.True(Directory.Exists(folder));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void A_block_device_is_refused_and_left_as_it_is()
    {
        string device = SpecialFiles.BlockDevice(_directory, "block");

        var error = Assert.Throws<IOException>(() => PrivateFile.Write(device, stream => stream.Write("x"u8)));

        Assert.Contains(device, error.Message, StringComparison.Ordinal);
        Assert.Equal(FileKind.Other, FileKinds.Of(device));
    }

    [Fact]
    public void A_failed_write_names_the_callers_path_not_the_temporary_file()
    {
        const string path = "/proc/self/memtrack-cannot-be-here";

        Exception error = Assert.ThrowsAny<Exception>(() => PrivateFile.Write(path, stream => stream.Write("x"u8)));

        Assert.True(error is IOException or UnauthorizedAccessException, error.ToString());
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", error.Message, StringComparison.Ordinal);
    }
}
