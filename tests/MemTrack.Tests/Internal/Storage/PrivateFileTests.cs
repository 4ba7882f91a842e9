using MemTrack.Internal.Storage;

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
}
