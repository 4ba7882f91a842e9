using System.Collections.Concurrent;

namespace MemTrack.Internal.Formatting;

/// <summary>Reads source lines for tracebacks (Python's linecache). Files are read once and kept; unreadable files yield null.</summary>
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
            var info = new FileInfo(path);
            return info.Exists && info.Length <= MaxFileBytes ? File.ReadAllLines(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
