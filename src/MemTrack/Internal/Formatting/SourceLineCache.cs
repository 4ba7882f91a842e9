using System.Collections.Concurrent;
using System.Text;

namespace MemTrack.Internal.Formatting;

/// <summary>
/// Reads source lines for tracebacks (Python's linecache). Files are read once and kept; unreadable files yield null.
/// Only regular files of 1 byte to 4 MiB are read, at most their size: a snapshot loaded from a file can name any
/// path, and devices (<c>/dev/zero</c> never ends), pipes (opening one blocks) and <c>/proc</c> files (size 0, such as
/// the process's environment) must not be read into a report.
/// </summary>
internal sealed class SourceLineCache
{
    private const long MaxFileBytes = 4 * 1024 * 1024;
    private const int MaxFiles = 256;
    private readonly ConcurrentDictionary<string, string[]?> _files = new(StringComparer.Ordinal);

    public static SourceLineCache Shared { get; } = new();

    public string? GetLine(string path, int lineNumber)
    {
        if (lineNumber <= 0)
        {
            return null;
        }

        string[]? lines = _files.Count < MaxFiles ? _files.GetOrAdd(path, Read) : (_files.TryGetValue(path, out var cached) ? cached : Read(path));
        return lines is not null && lineNumber <= lines.Length ? lines[lineNumber - 1].Trim() : null;
    }

    private static string[]? Read(string path)
    {
        try
        {
            // Devices, pipes, sockets and /proc files report a size of 0; directories do not exist as files. A link is
            // judged by what it points to (its own size is that of the target's name).
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                if (info.ResolveLinkTarget(returnFinalTarget: true) is not FileInfo target)
                {
                    return null;
                }

                info = target;
            }

            if (!info.Exists || info.Length is 0 or > MaxFileBytes)
            {
                return null;
            }

            byte[] bytes = new byte[info.Length];
            int read;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1))
            {
                read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            }

            // As File.ReadAllLines: UTF-8 unless a byte order mark says otherwise.
            using var reader = new StreamReader(new MemoryStream(bytes, 0, read), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var lines = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                lines.Add(line);
            }

            return [.. lines];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            // Not a path at all (a NUL character, say): a snapshot file can hold any name.
            return null;
        }
    }
}
