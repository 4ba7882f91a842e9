using System.Diagnostics;
using System.Globalization;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Which mapped file holds a code address of this process, and where that file's image starts: the address minus the
/// base is the RVA that <see cref="ReadyToRunImage.FindMethod"/> looks up. Linux reads <c>/proc/self/maps</c>; the
/// runtime maps an R2R image's headers and sections (RVA layout) as private mappings of the file, with reserved gaps
/// between them, so the base is the first private mapping of the file at file offset 0 in that contiguous run (the
/// text section is also mapped from offset 0, page-aligned, 64 KiB further: that one is not the base). The runtime's
/// flat, shared mapping of the same file is not code and never a base. Windows uses
/// <see cref="Marshal.GetHINSTANCE"/> over the loaded assemblies (untested here); other systems answer null. The table
/// is cached, and read again only when an address is not found, at most once per <c>minimumRereadInterval</c>, so a
/// hot path does not reparse. Null for anonymous memory (jitted code, stubs), pseudo-files, deleted files, a
/// single-file bundle (no mapping at offset 0), or anything unexpected; never throws. Thread-safe.
/// </summary>
internal sealed class LoadedImages
{
    private readonly Lock _gate = new();
    private readonly long _minimumRereadTicks;
    private (ulong Start, ulong End, string? Path, ulong Base)[] _mappings = [];
    private long _lastRead;
    private bool _read;

    /// <summary>Caches the mappings; a miss reads them again at most once a second.</summary>
    public LoadedImages()
        : this(TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Caches the mappings; a miss reads them again at most once per <paramref name="minimumRereadInterval"/>.</summary>
    public LoadedImages(TimeSpan minimumRereadInterval)
    {
        _minimumRereadTicks = (long)(minimumRereadInterval.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>
    /// The file mapped at <paramref name="address"/> and the address its image starts at; null when the address is in
    /// no mapped file (see the class summary).
    /// </summary>
    public (string Path, ulong Base)? Find(ulong address)
    {
        try
        {
            (ulong Start, ulong End, string? Path, ulong Base)[] mappings = Volatile.Read(ref _mappings);
            if (Lookup(mappings, address) is { } found)
            {
                return found;
            }

            if (Volatile.Read(ref _read) && Stopwatch.GetTimestamp() - Volatile.Read(ref _lastRead) < _minimumRereadTicks)
            {
                return null; // read recently: a miss on the hot path costs a lookup, not a parse or a lock
            }

            lock (_gate)
            {
                long now = Stopwatch.GetTimestamp();
                if (_read && now - _lastRead < _minimumRereadTicks)
                {
                    return Lookup(_mappings, address); // another thread may have read them meanwhile
                }

                Volatile.Write(ref _lastRead, now);
                Volatile.Write(ref _read, true); // before reading: a failing read is retried only after the interval too
                mappings = ReadMappings();
                Volatile.Write(ref _mappings, mappings);
            }

            return Lookup(mappings, address);
        }
        catch (Exception)
        {
            // Reading or parsing the table failed (an odd kernel, a module that vanished): unknown, not fatal.
            return null;
        }
    }

    /// <summary>Makes the next miss read the mappings again, however recent the last read (after an unload, say).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            Volatile.Write(ref _read, false);
        }
    }

    /// <summary>
    /// Parses the text of <c>/proc/self/maps</c> (<c>start-end perms offset dev inode path</c>, one mapping per line,
    /// by ascending address) into mappings with the base of the image each belongs to (0 when it has none).
    /// </summary>
    internal static (ulong Start, ulong End, string? Path, ulong Base)[] ParseMaps(IEnumerable<string> lines)
    {
        var mappings = new List<(ulong Start, ulong End, string? Path, ulong Base)>();
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        int runStart = 0;
        string? runPath = null;
        ulong runBase = 0;
        ulong runLastOffset = 0;
        foreach (string line in lines)
        {
            if (ParseLine(line) is not var (start, end, isPrivate, offset, path))
            {
                continue;
            }

            if (path is not null)
            {
                path = strings.TryGetValue(path, out string? known) ? known : strings[path] = path;
            }

            // A run: address-contiguous mappings of one file, with the anonymous reservations between its sections.
            // A mapping of the file at a lower offset than the previous one is the file's next load.
            bool contiguous = mappings.Count > 0 && mappings[^1].End == start;
            bool sameRun = contiguous && (path is null || (path == runPath && offset >= runLastOffset));
            if (!sameRun)
            {
                Close(mappings, runStart, runBase);
                runStart = mappings.Count;
                runPath = path;
                runBase = 0;
                runLastOffset = 0;
            }

            if (path is not null)
            {
                runLastOffset = offset;
                if (runBase == 0 && offset == 0 && isPrivate)
                {
                    runBase = start;
                }
            }

            mappings.Add((start, end, path, 0));
        }

        Close(mappings, runStart, runBase);
        return [.. mappings];
    }

    /// <summary>The file and image base at <paramref name="address"/> in parsed mappings (<see cref="ParseMaps"/>).</summary>
    internal static (string Path, ulong Base)? Lookup((ulong Start, ulong End, string? Path, ulong Base)[] mappings, ulong address)
    {
        int lo = 0;
        int hi = mappings.Length - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            (ulong start, ulong end, string? path, ulong imageBase) = mappings[mid];
            if (address < start)
            {
                hi = mid - 1;
            }
            else if (address >= end)
            {
                lo = mid + 1;
            }
            else
            {
                return path is not null && imageBase != 0 && address >= imageBase ? (path, imageBase) : null;
            }
        }

        return null;
    }

    private static void Close(List<(ulong Start, ulong End, string? Path, ulong Base)> mappings, int from, ulong imageBase)
    {
        for (int i = from; i < mappings.Count; i++)
        {
            mappings[i] = mappings[i] with { Base = imageBase };
        }
    }

    /// <summary>One line: the range, whether it is private, its file offset, and its file (null when it maps no real file).</summary>
    private static (ulong Start, ulong End, bool Private, ulong Offset, string? Path)? ParseLine(string line)
    {
        ReadOnlySpan<char> rest = line.AsSpan();
        ReadOnlySpan<char> range = NextField(ref rest);
        ReadOnlySpan<char> permissions = NextField(ref rest);
        ReadOnlySpan<char> offset = NextField(ref rest);
        _ = NextField(ref rest); // device
        _ = NextField(ref rest); // inode
        int dash = range.IndexOf('-');
        if (dash <= 0 || permissions.Length < 4
            || !ulong.TryParse(range[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong start)
            || !ulong.TryParse(range[(dash + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong end)
            || !ulong.TryParse(offset, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong fileOffset))
        {
            return null;
        }

        // The path runs to the end of the line (it may hold spaces). Pseudo-files ("[heap]", "[vdso]", "anon_inode:…")
        // and deleted files (the runtime's "/memfd:doublemapper (deleted)" holding jitted code) are no readable image.
        ReadOnlySpan<char> path = rest.Trim();
        string? file = path.Length > 0 && path[0] == '/' && !path.EndsWith(" (deleted)", StringComparison.Ordinal) ? path.ToString() : null;
        return (start, end, permissions[3] == 'p', fileOffset, file);
    }

    private static ReadOnlySpan<char> NextField(ref ReadOnlySpan<char> rest)
    {
        rest = rest.TrimStart(' ');
        int space = rest.IndexOf(' ');
        ReadOnlySpan<char> field = space < 0 ? rest : rest[..space];
        rest = space < 0 ? [] : rest[space..];
        return field;
    }

    private static (ulong Start, ulong End, string? Path, ulong Base)[] ReadMappings()
    {
        if (OperatingSystem.IsLinux())
        {
            return ParseMaps(File.ReadLines("/proc/self/maps"));
        }

        return OperatingSystem.IsWindows() ? LoadedAssemblyImages() : [];
    }

    /// <summary>Windows: each loaded assembly's module handle is its image base; its size comes from the file's headers.</summary>
    private static (ulong Start, ulong End, string? Path, ulong Base)[] LoadedAssemblyImages()
    {
        var images = new List<(ulong Start, ulong End, string? Path, ulong Base)>();
        foreach (System.Reflection.Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            try
            {
                string path = assembly.IsDynamic ? string.Empty : assembly.Location;
                if (path.Length == 0)
                {
                    continue;
                }

                long handle = Marshal.GetHINSTANCE(assembly.ManifestModule);
                if (handle is 0 or -1)
                {
                    continue;
                }

                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var headers = new PEHeaders(file);
                if (headers.PEHeader is { } pe)
                {
                    images.Add(((ulong)handle, (ulong)handle + (uint)pe.SizeOfImage, path, (ulong)handle));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException or NotSupportedException)
            {
                // That assembly's frames stay unnamed.
            }
        }

        images.Sort((a, b) => a.Start.CompareTo(b.Start));
        return [.. images];
    }
}
