using System.Globalization;
using System.Text;
using MemTrack.Internal.Analysis;
using MemTrack.Internal.Sampling;

namespace MemTrack.Internal.Storage;

/// <summary>
/// Reads and writes snapshots in MemTrack's versioned binary format, described byte by byte in docs/file-format.md:
/// magic, version, flags, header, string table, frame table, traces, CRC-32. Reading never loads types or code named
/// by the file and rejects anything malformed with <see cref="InvalidDataException"/>.
/// </summary>
internal static class SnapshotFile
{
    /// <summary>The format version this code writes. It reads this one, version 2 (no inlined frames) and version 1 (no live statistics).</summary>
    public const ushort FormatVersion = 3;

    /// <summary>Oldest format version this code reads.</summary>
    public const ushort MinReadableVersion = 1;

    /// <summary>Flag (version 2): each trace carries live statistics after its allocation statistics.</summary>
    public const ushort LiveDataFlag = 1;

    /// <summary>Flag (version 2): the snapshot was taken in degraded mode (exact totals only, no traces).</summary>
    public const ushort DegradedFlag = 2;

    /// <summary>Flag (version 3): the frame table is followed by the indexes of the frames marked inlined (<see cref="Frame.IsInlined"/>).</summary>
    public const ushort InlinedFramesFlag = 4;

    /// <summary>Flag (version 3): the traced process ran with rich debug info, so inlined methods have frames (<see cref="SnapshotInfo.InliningReported"/>).</summary>
    public const ushort InliningReportedFlag = 8;

    /// <summary>Longest string (in UTF-8 bytes) a file may hold.</summary>
    public const int MaxStringBytes = 1 << 20;

    /// <summary>Bytes before the string table: magic, version, flags and header.</summary>
    public const int HeaderBytes = 58;

    private const int ChecksumBytes = sizeof(uint);

    /// <summary>Bytes checked before the rest of a file is read: the header and the string count.</summary>
    private const int HeadBytes = HeaderBytes + sizeof(int);
    private const int FrameRecordBytes = 4 * sizeof(int);

    // Samples and four f64 statistics.
    private const int StatsBytes = sizeof(long) + (4 * sizeof(double));
    private const int MaxOffsetMinutes = 14 * 60;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The first eight bytes of every snapshot file.</summary>
    public static ReadOnlySpan<byte> Magic => "MEMTRACK"u8;

    /// <summary>Reads a snapshot file.</summary>
    /// <exception cref="FileNotFoundException">The file or its directory does not exist, or the path is a directory.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid snapshot of a supported version.</exception>
    public static Snapshot Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = OpenForReading(path);
        if (stream.Length > Array.MaxLength)
        {
            throw ByteReader.Invalid($"the file is too large ({stream.Length} bytes)");
        }

        // The fixed header and the first declared count are checked before anything is allocated for the rest, so
        // a large file that is not a snapshot (or whose header does not fit its length) is rejected at once.
        int length = (int)stream.Length;
        Span<byte> head = stackalloc byte[HeadBytes];
        head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        if (head.Length < Math.Min(length, HeadBytes))
        {
            throw ChangedWhileRead();
        }

        var reader = new ByteReader(head, length);
        _ = ReadHeader(ref reader, out _);
        _ = ReadStringCount(ref reader);

        var data = new byte[length];
        head.CopyTo(data);
        try
        {
            stream.ReadExactly(data.AsSpan(head.Length));
        }
        catch (EndOfStreamException)
        {
            throw ChangedWhileRead();
        }

        return Parse(data);
    }

    /// <summary>The file got shorter between measuring its length and reading it (another process rewrote it).</summary>
    private static InvalidDataException ChangedWhileRead() => ByteReader.Invalid($"the file changed while it was read (it got shorter)");

    /// <summary>Writes a snapshot file, readable and writable by the current user only (see <see cref="PrivateFile"/>).</summary>
    public static void Write(Snapshot snapshot, string path)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        byte[] bytes = Serialize(snapshot);
        PrivateFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Encodes a snapshot as the bytes of a file.</summary>
    public static byte[] Serialize(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        var frames = new Dictionary<Frame, int>();
        foreach (Trace trace in snapshot.Traces)
        {
            Intern(strings, trace.TypeName);
            foreach (Frame frame in trace.Traceback)
            {
                if (!frames.ContainsKey(frame))
                {
                    Intern(strings, frame.Method);
                    Intern(strings, frame.Module);
                    if (frame.FileName is not null)
                    {
                        Intern(strings, frame.FileName);
                    }

                    frames.Add(frame, frames.Count);
                }
            }
        }

        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            bool inlinedFrames = frames.Keys.Any(frame => frame.IsInlined);
            WriteHeader(writer, snapshot.Info, inlinedFrames);

            // Dictionaries enumerate in insertion order when nothing was removed, so positions match the indices.
            writer.Write(strings.Count);
            foreach (string value in strings.Keys)
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(value);
                if (utf8.Length > MaxStringBytes)
                {
                    throw new InvalidOperationException(string.Create(
                        CultureInfo.InvariantCulture, $"A name of {utf8.Length} UTF-8 bytes is longer than a snapshot file can hold ({MaxStringBytes})."));
                }

                writer.Write(utf8.Length);
                writer.Write(utf8);
            }

            writer.Write(frames.Count);
            foreach (Frame frame in frames.Keys)
            {
                writer.Write(strings[frame.Method]);
                writer.Write(frame.FileName is null ? -1 : strings[frame.FileName]);
                writer.Write(frame.LineNumber);
                writer.Write(strings[frame.Module]);
            }

            if (inlinedFrames)
            {
                writer.Write(frames.Keys.Count(frame => frame.IsInlined));
                foreach (var (frame, index) in frames)
                {
                    if (frame.IsInlined)
                    {
                        writer.Write(index);
                    }
                }
            }

            writer.Write(snapshot.Traces.Count);
            foreach (Trace trace in snapshot.Traces)
            {
                writer.Write(trace.Traceback.Count);
                foreach (Frame frame in trace.Traceback)
                {
                    writer.Write(frames[frame]);
                }

                writer.Write(trace.Traceback.TotalFrames);
                writer.Write(strings[trace.TypeName]);
                WriteStats(writer, trace.Allocated);
                if (snapshot.HasLiveData)
                {
                    WriteStats(writer, trace.Live);
                }
            }

            writer.Write(Crc32.Compute(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        }

        return buffer.ToArray();
    }

    /// <summary>Decodes the bytes of a file.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid snapshot of a supported version.</exception>
    public static Snapshot Parse(ReadOnlySpan<byte> data)
    {
        var reader = new ByteReader(data);
        SnapshotInfo info = ReadHeader(ref reader, out bool inlinedFrames);
        string[] strings = ReadStrings(ref reader);
        int[] hashes = HashStrings(strings);
        Frame[] frames = ReadFrames(ref reader, strings, hashes);
        if (inlinedFrames)
        {
            ReadInlinedFrames(ref reader, frames);
        }

        Trace[] traces = ReadTraces(ref reader, strings, frames, info.HasLiveData);

        int checksumAt = reader.Position;
        uint stored = reader.ReadUInt32();
        if (reader.Remaining != 0)
        {
            throw ByteReader.Invalid($"{reader.Remaining} unexpected bytes after the checksum at byte {checksumAt}");
        }

        uint computed = Crc32.Compute(data[..checksumAt]);
        if (stored != computed)
        {
            throw ByteReader.Invalid($"checksum mismatch (stored 0x{stored:X8}, computed 0x{computed:X8}): the file is corrupt");
        }

        return new Snapshot(info, traces);
    }

    /// <summary>Opens a file to read; a missing directory or a directory at the path is a missing file.</summary>
    private static FileStream OpenForReading(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new FileNotFoundException($"Could not find file '{Path.GetFullPath(path)}': its directory does not exist.", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && Directory.Exists(path))
        {
            throw new FileNotFoundException($"'{Path.GetFullPath(path)}' is a directory, not a snapshot file.", path, e);
        }
    }

    /// <summary>Reads and checks the magic, version, flags and header (the file's first <see cref="HeaderBytes"/> bytes).</summary>
    private static SnapshotInfo ReadHeader(ref ByteReader reader, out bool inlinedFrames)
    {
        if (reader.Remaining == 0)
        {
            throw ByteReader.Invalid($"the file is empty");
        }

        ReadOnlySpan<byte> magic = reader.Peek(Magic.Length);
        if (!magic.SequenceEqual(Magic[..magic.Length]))
        {
            throw ByteReader.Invalid($"not a MemTrack snapshot (bad magic)");
        }

        reader.ReadBytes(Magic.Length);
        ushort version = reader.ReadUInt16();
        if (version is < MinReadableVersion or > FormatVersion)
        {
            throw ByteReader.Invalid($"unsupported format version {version}; this MemTrack reads versions {MinReadableVersion} to {FormatVersion}");
        }

        ushort flags = reader.ReadUInt16();
        ushort known = version switch
        {
            >= 3 => LiveDataFlag | DegradedFlag | InlinedFramesFlag | InliningReportedFlag,
            2 => LiveDataFlag | DegradedFlag,
            _ => 0,
        };
        if ((flags & ~known) != 0)
        {
            throw ByteReader.Invalid($"unsupported flags 0x{flags:X4} for format version {version}");
        }

        inlinedFrames = (flags & InlinedFramesFlag) != 0;
        return ReadInfo(ref reader, (flags & LiveDataFlag) != 0) with
        {
            IsDegraded = (flags & DegradedFlag) != 0,
            InliningReported = (flags & InliningReportedFlag) != 0,
        };
    }

    private static void WriteHeader(BinaryWriter writer, SnapshotInfo info, bool inlinedFrames)
    {
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write((ushort)((info.HasLiveData ? LiveDataFlag : 0) | (info.IsDegraded ? DegradedFlag : 0) | (inlinedFrames ? InlinedFramesFlag : 0)
            | (info.InliningReported ? InliningReportedFlag : 0)));
        writer.Write(info.TracebackLimit);
        writer.Write(info.TakenAt.UtcTicks);
        writer.Write((short)(info.TakenAt.Offset.Ticks / TimeSpan.TicksPerMinute));
        writer.Write(info.ExactAllocatedBytes);
        writer.Write(info.LostEvents);
        writer.Write(info.TracingEpoch.ToByteArray());
    }

    private static SnapshotInfo ReadInfo(ref ByteReader reader, bool hasLiveData)
    {
        int limit = reader.ReadInt32();
        if (limit < 0)
        {
            throw ByteReader.Invalid($"negative traceback limit {limit}");
        }

        long utcTicks = reader.ReadInt64();
        short offsetMinutes = reader.ReadInt16();
        long offsetTicks = offsetMinutes * TimeSpan.TicksPerMinute;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks || Math.Abs((int)offsetMinutes) > MaxOffsetMinutes
            || utcTicks + offsetTicks < DateTime.MinValue.Ticks || utcTicks + offsetTicks > DateTime.MaxValue.Ticks)
        {
            throw ByteReader.Invalid($"invalid timestamp ({utcTicks} UTC ticks, offset {offsetMinutes} minutes)");
        }

        var takenAt = new DateTimeOffset(utcTicks + offsetTicks, TimeSpan.FromTicks(offsetTicks));
        long exactAllocatedBytes = reader.ReadNonNegativeInt64("allocated byte count");
        long lostEvents = reader.ReadNonNegativeInt64("lost event count");
        var epoch = new Guid(reader.ReadBytes(16));
        return new SnapshotInfo(limit, takenAt, exactAllocatedBytes, lostEvents, epoch, hasLiveData);
    }

    // After the strings come at least the frame count, the trace count and the checksum.
    private static int ReadStringCount(ref ByteReader reader) => reader.ReadCount("string", sizeof(int), (2 * sizeof(int)) + ChecksumBytes);

    private static string[] ReadStrings(ref ByteReader reader)
    {
        int count = ReadStringCount(ref reader);
        var strings = new string[count];
        for (int i = 0; i < strings.Length; i++)
        {
            int at = reader.Position;
            int length = reader.ReadInt32();
            if (length < 0 || length > MaxStringBytes)
            {
                throw ByteReader.Invalid($"string {i} at byte {at} has an invalid length {length} (at most {MaxStringBytes})");
            }

            ReadOnlySpan<byte> utf8 = reader.ReadBytes(length);
            try
            {
                strings[i] = StrictUtf8.GetString(utf8);
            }
            catch (DecoderFallbackException e)
            {
                throw ByteReader.Invalid($"string {i} at byte {at} is not valid UTF-8", e);
            }
        }

        return strings;
    }

    // Each name's hash, computed once: frames are hashed from them, so that a long name that many frames and
    // traces share costs its length once, not once per use (the file's load time stays linear in its size).
    private static int[] HashStrings(string[] strings)
    {
        var hashes = new int[strings.Length];
        for (int i = 0; i < strings.Length; i++)
        {
            hashes[i] = Frame.HashOf(strings[i]);
        }

        return hashes;
    }

    private static Frame[] ReadFrames(ref ByteReader reader, string[] strings, int[] hashes)
    {
        int count = reader.ReadCount("frame", FrameRecordBytes, sizeof(int) + ChecksumBytes);
        var frames = new Frame[count];
        for (int i = 0; i < frames.Length; i++)
        {
            int method = reader.ReadIndex("method name", strings.Length);
            int fileAt = reader.Position;
            int file = reader.ReadInt32();
            if (file != -1 && (uint)file >= (uint)strings.Length)
            {
                throw ByteReader.Invalid($"file name index {file} at byte {fileAt} is out of range (table has {strings.Length} entries)");
            }

            int lineAt = reader.Position;
            int line = reader.ReadInt32();
            if (line < 0)
            {
                throw ByteReader.Invalid($"negative line number {line} at byte {lineAt}");
            }

            int module = reader.ReadIndex("module name", strings.Length);
            frames[i] = file == -1
                ? new Frame(strings[method], null, line, strings[module], hashes[method], Frame.HashOf(null), hashes[module])
                : new Frame(strings[method], strings[file], line, strings[module], hashes[method], hashes[file], hashes[module]);
        }

        return frames;
    }

    /// <summary>Marks the frames the file lists as inlined: a count, then ascending frame indexes.</summary>
    private static void ReadInlinedFrames(ref ByteReader reader, Frame[] frames)
    {
        int count = reader.ReadCount("inlined frame", sizeof(int), sizeof(int) + ChecksumBytes);
        int previous = -1;
        for (int i = 0; i < count; i++)
        {
            int at = reader.Position;
            int index = reader.ReadIndex("inlined frame", frames.Length);
            if (index <= previous)
            {
                throw ByteReader.Invalid($"inlined frame index {index} at byte {at} is not after the one before it ({previous})");
            }

            frames[index] = frames[index] with { IsInlined = true };
            previous = index;
        }
    }

    private static Trace[] ReadTraces(ref ByteReader reader, string[] strings, Frame[] frames, bool hasLiveData)
    {
        // Frame count, total frames, type index and one or two sets of statistics.
        int statsBytes = hasLiveData ? 2 * StatsBytes : StatsBytes;
        int count = reader.ReadCount("trace", (3 * sizeof(int)) + statsBytes, ChecksumBytes);
        var traces = new Trace[count];
        for (int i = 0; i < traces.Length; i++)
        {
            int frameCount = reader.ReadCount("frame reference", sizeof(int), (2 * sizeof(int)) + statsBytes + ChecksumBytes);
            var traceFrames = new Frame[frameCount];
            for (int j = 0; j < traceFrames.Length; j++)
            {
                traceFrames[j] = frames[reader.ReadIndex("frame", frames.Length)];
            }

            int totalAt = reader.Position;
            int totalFrames = reader.ReadInt32();
            if (totalFrames < frameCount)
            {
                throw ByteReader.Invalid($"trace {i} has {frameCount} frames but a total of {totalFrames} at byte {totalAt}");
            }

            string typeName = strings[reader.ReadIndex("type name", strings.Length)];
            SampleStats allocated = ReadStats(ref reader);
            SampleStats live = hasLiveData ? ReadStats(ref reader) : default;
            traces[i] = new Trace(new Traceback(traceFrames, totalFrames), typeName, allocated, live);
        }

        return traces;
    }

    private static void WriteStats(BinaryWriter writer, in SampleStats stats)
    {
        writer.Write(stats.Samples);
        writer.Write(stats.Size);
        writer.Write(stats.Count);
        writer.Write(stats.SizeVariance);
        writer.Write(stats.CountVariance);
    }

    private static SampleStats ReadStats(ref ByteReader reader) => new()
    {
        Samples = reader.ReadNonNegativeInt64("sample count"),
        Size = reader.ReadNonNegativeDouble("size"),
        Count = reader.ReadNonNegativeDouble("count"),
        SizeVariance = reader.ReadNonNegativeDouble("size variance"),
        CountVariance = reader.ReadNonNegativeDouble("count variance"),
    };

    private static void Intern(Dictionary<string, int> strings, string value) => strings.TryAdd(value, strings.Count);
}
