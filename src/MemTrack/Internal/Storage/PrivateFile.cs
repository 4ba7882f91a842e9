using System.Globalization;

namespace MemTrack.Internal.Storage;

/// <summary>
/// Writes files readable and writable by the current user only (mode 0600 on Unix; on Windows the directory's ACL),
/// atomically: the content goes to a temporary file in the same directory (<c>.&lt;name&gt;.&lt;guid&gt;.tmp</c>, same
/// mode), which then replaces the target, so a reader never sees a half-written file and a failed write leaves the old
/// file untouched. Snapshots and exports name methods, types and source files: they stay private to the user.
/// <para>
/// Only a regular file (or nothing) is ever replaced. A symbolic link is followed: the file it points to is replaced in
/// its own folder (made when missing) and the link stays. A character device (<c>/dev/null</c>, <c>/dev/stdout</c> on a
/// terminal) or a named pipe is written through, never replaced; a pipe nobody reads within
/// <see cref="DefaultPipeTimeout"/> is an <see cref="IOException"/>. A directory, a block device or a socket is an
/// <see cref="IOException"/> naming the path. Errors name the caller's path, never the temporary file.
/// </para>
/// </summary>
internal static class PrivateFile
{
    /// <summary>How long a write waits for a reader of a named pipe.</summary>
    public static readonly TimeSpan DefaultPipeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Creates or replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> names a root directory.</exception>
    /// <exception cref="IOException">The path is a directory, a block device or a socket, a pipe nobody reads, or the write failed.</exception>
    public static void Write(string path, Action<Stream> write) => Write(path, write, DefaultPipeTimeout);

    /// <inheritdoc cref="Write(string, Action{Stream})"/>
    /// <param name="path">The file to write.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="pipeTimeout">How long to wait for a reader when the path is a named pipe.</param>
    internal static void Write(string path, Action<Stream> write, TimeSpan pipeTimeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is null)
        {
            throw new ArgumentException("The path must name a file, not a root directory.", nameof(path));
        }

        string target = Target(path);
        switch (FileKinds.Of(target))
        {
            case FileKind.Missing or FileKind.Regular:
                Replace(path, target, write);
                break;
            case FileKind.CharacterDevice:
                WriteThrough(path, target, write);
                break;
            case FileKind.Pipe:
                WriteToPipe(path, target, write, pipeTimeout);
                break;
            case FileKind.Directory:
                throw new IOException($"'{path}' is a directory, not a file.");
            default:
                throw new IOException($"'{path}' is a block device, a socket or another special file; MemTrack writes only files, character devices and pipes.");
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

    /// <summary>The full path to write: the path itself, or the final target of the symbolic link(s) at it.</summary>
    private static string Target(string path)
    {
        string fullPath = Path.GetFullPath(path);
        try
        {
            return new FileInfo(fullPath).LinkTarget is null
                ? fullPath
                : File.ResolveLinkTarget(fullPath, returnFinalTarget: true)?.FullName ?? fullPath;
        }
        catch (IOException ex)
        {
            // A loop of links, say.
            throw new IOException($"Could not follow the link at '{path}': {ex.Message}", ex);
        }
    }

    private static void Replace(string path, string target, Action<Stream> write)
    {
        string directory = Path.GetDirectoryName(target)
            ?? throw new IOException($"'{path}' leads to a root directory, not a file.");
        if (!Directory.Exists(directory))
        {
            // Say so in the user's terms, not in those of the temporary file.
            throw new DirectoryNotFoundException($"The folder of {path} does not exist ({directory}).");
        }

        string temporary = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp"));
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

            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(temporary);
            throw InTermsOf(path, temporary, ex);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    /// <summary>Writes into a character device as it is: nothing is created, renamed or made private.</summary>
    private static void WriteThrough(string path, string target, Action<Stream> write)
    {
        try
        {
            using var stream = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            write(stream);
            stream.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw InTermsOf(path, target, ex);
        }
    }

    /// <summary>
    /// Writes into a named pipe. Opening one to write waits for a reader, so the open runs on a pool thread and is
    /// waited for at most <paramref name="timeout"/>; an open that completes later is closed at once, unwritten.
    /// </summary>
    private static void WriteToPipe(string path, string target, Action<Stream> write, TimeSpan timeout)
    {
        Task<FileStream> open = Task.Run(() => new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite));
        if (!open.Wait(timeout))
        {
            _ = open.ContinueWith(static task => task.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"Nothing read the named pipe '{path}' within {timeout.TotalSeconds:0.#} s; nothing was written."));
        }

        try
        {
            using FileStream stream = open.GetAwaiter().GetResult();
            write(stream);
            stream.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw InTermsOf(path, target, ex);
        }
    }

    /// <summary>The same failure, in terms of the caller's path rather than the temporary or resolved one.</summary>
    private static Exception InTermsOf(string path, string internalPath, Exception error)
    {
        string message = error.Message.Replace(internalPath, path, StringComparison.Ordinal);
        if (!message.Contains(path, StringComparison.Ordinal))
        {
            message = $"Could not write '{path}': {message}";
        }

        return error is UnauthorizedAccessException ? new UnauthorizedAccessException(message, error) : new IOException(message, error);
    }

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
