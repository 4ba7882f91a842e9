using System.Globalization;

namespace MemTrack.Internal.Storage;

/// <summary>
/// Writes files readable and writable by the current user only (mode 0600 on Unix; on Windows the directory's ACL),
/// atomically: the content goes to a temporary file in the same directory (<c>.&lt;name&gt;.&lt;guid&gt;.tmp</c>, same
/// mode), which then replaces the target, so a reader never sees a half-written file and a failed write leaves the old
/// file untouched. Snapshots and exports name methods, types and source files: they stay private to the user.
/// </summary>
internal static class PrivateFile
{
    /// <summary>Creates or replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> names a root directory.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException("The path must name a file, not a root directory.", nameof(path));
        if (!Directory.Exists(directory))
        {
            // Say so in the user's terms, not in those of the temporary file.
            throw new DirectoryNotFoundException($"The folder of {path} does not exist ({directory}).");
        }
        string temporary = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp"));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    /// <summary>
    /// Creates or replaces <paramref name="path"/> with <paramref name="text"/>, written as a <see cref="StreamWriter"/>
    /// writes by default (UTF-8 without a byte order mark).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> names a root directory.</exception>
    public static void WriteText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        });

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
