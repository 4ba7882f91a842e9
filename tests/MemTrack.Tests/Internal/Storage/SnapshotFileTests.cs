using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using MemTrack.Internal.Analysis;
using MemTrack.Internal.Storage;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Internal.Storage;

public sealed class SnapshotFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("memtrack-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_degraded_snapshot_stays_degraded_through_a_file()
    {
        var degraded = new Snapshot(new SnapshotInfo(5, TakenAt, 1_000_000, 0, Epoch, HasLiveData: false, IsDegraded: true), []);
        string path = PathOf("degraded.memtrack");
        degraded.Dump(path);

        Snapshot loaded = Snapshot.Load(path);

        Assert.Equal(degraded.Info, loaded.Info);
        Assert.True(loaded.IsDegraded);
        Assert.Equal(SnapshotFile.DegradedFlag, BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(path).AsSpan(10)));
    }

    [Fact]
    public void Round_trip_loses_nothing()
    {
        Snapshot original = RichSnapshot();
        string path = PathOf("rich.memtrack");
        original.Dump(path);
        Snapshot loaded = Snapshot.Load(path);

        Assert.Equal(original.Info, loaded.Info);
        Assert.Equal(original.TakenAt.Offset, loaded.TakenAt.Offset);
        Assert.Equal(original.TakenAt.Ticks, loaded.TakenAt.Ticks);
        Assert.Equal((original.TracebackLimit, original.ExactAllocatedBytes, original.LostEvents), (loaded.TracebackLimit, loaded.ExactAllocatedBytes, loaded.LostEvents));
        Assert.Equal(original.Traces.Count, loaded.Traces.Count);
        for (int i = 0; i < original.Traces.Count; i++)
        {
            Trace expected = original.Traces[i];
            Trace actual = loaded.Traces[i];
            Assert.Equal(expected.Traceback, actual.Traceback);
            Assert.Equal(expected.Traceback.TotalFrames, actual.Traceback.TotalFrames);
            Assert.Equal(expected.Traceback.Select(f => f.FileName), actual.Traceback.Select(f => f.FileName));
            Assert.Equal(expected.TypeName, actual.TypeName);
            Assert.Equal(expected.Allocated, actual.Allocated);
            Assert.Equal(expected.Live, actual.Live);
            Assert.Equal(Bits(expected), Bits(actual));
        }

        Assert.Equal(
            original.Statistics(KeyType.Traceback).Select(s => s.ToString()),
            loaded.Statistics(KeyType.Traceback).Select(s => s.ToString()));
    }

    [Fact]
    public void Empty_snapshot_round_trips()
    {
        string path = PathOf("empty.memtrack");
        Snapshot().Dump(path);
        Snapshot loaded = Snapshot.Load(path);
        Assert.Empty(loaded.Traces);
        Assert.Equal(Snapshot().Info, loaded.Info);
    }

    [Fact]
    public void Layout_matches_docs_file_format()
    {
        var info = new SnapshotInfo(7, new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.FromMinutes(-90)), 1234, 5, Epoch, HasLiveData: true);
        var snapshot = new Snapshot(info, [Trace("T", Stats(3.5, 1.25, 2, 0.5, 0.75), Stats(1.5, 0.25, 1, 0.125, 0.0625), Frame("f.cs", 9, "M", "D.dll"))]);
        byte[] data = SnapshotFile.Serialize(snapshot);

        Assert.Equal("MEMTRACK"u8.ToArray(), data[..8]);
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(8)));
        Assert.Equal(SnapshotFile.LiveDataFlag, BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(10)));
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(12)));
        Assert.Equal(info.TakenAt.UtcTicks, BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(16)));
        Assert.Equal(-90, BinaryPrimitives.ReadInt16LittleEndian(data.AsSpan(24)));
        Assert.Equal(1234, BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(26)));
        Assert.Equal(5, BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(34)));
        Assert.Equal(Epoch, new Guid(data.AsSpan(42, 16)));
        Assert.Equal(SnapshotFile.HeaderBytes, 58);

        // Strings in first-use order: type, method, module, file.
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(58)));
        Assert.Equal(new byte[] { 1, (byte)'T', 1, (byte)'M', 5, (byte)'D' }, new[] { data[62], data[66], data[67], data[71], data[72], data[76] });
        Assert.Equal("f.cs", Encoding.UTF8.GetString(data, 85, 4));
        int frames = 89;
        Assert.Equal([1, 1, 3, 9, 2], Ints(data, frames, 5));
        int traces = frames + 20;
        Assert.Equal([1, 1, 0, 1, 0], Ints(data, traces, 5));
        Assert.Equal(2, BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(traces + 20)));
        Assert.Equal(3.5, BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(traces + 28)));
        Assert.Equal(0.75, BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(traces + 52)));
        Assert.Equal(1, BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(traces + 60)));
        Assert.Equal(1.5, BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(traces + 68)));
        Assert.Equal(0.0625, BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(traces + 92)));
        Assert.Equal(traces + 100 + 4, data.Length);
        Assert.Equal(Crc32.Compute(data.AsSpan(0, data.Length - 4)), BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4)));
    }

    [Fact]
    public void Snapshot_without_live_data_has_no_live_flag_and_records()
    {
        Snapshot snapshot = WithoutLiveData(Trace("T", Stats(3.5, 1.25, 2, 0.5, 0.75), Frame("f.cs", 9, "M", "D.dll")));
        byte[] data = SnapshotFile.Serialize(snapshot);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(10)));
        Assert.Equal(89 + 20 + 60 + 4, data.Length);

        Snapshot loaded = SnapshotFile.Parse(data);
        Assert.False(loaded.HasLiveData);
        Assert.Equal(0, loaded.Traces[0].LiveSampleCount);
        Assert.Throws<InvalidOperationException>(() => loaded.Statistics(KeyType.LineNo));
        Assert.Equal(4, loaded.Statistics(KeyType.LineNo, kind: MemoryKind.Allocated)[0].Size);
    }

    [Fact]
    public void Inlined_frames_round_trip_after_the_frame_table()
    {
        Frame inlined = Frame("h.cs", 8, "App.Holder..ctor") with { IsInlined = true };
        Frame caller = Frame("p.cs", 20, "App.Program.Main");
        Snapshot snapshot = WithoutLiveData(Trace("T", Stats(3.5, 1.25), inlined, caller), Trace("U", Stats(1, 1), caller));
        byte[] data = SnapshotFile.Serialize(snapshot);
        Assert.Equal(SnapshotFile.InlinedFramesFlag, BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(10)));

        Snapshot loaded = SnapshotFile.Parse(data);
        Assert.Equal([true, false], loaded.Traces[0].Traceback.Select(frame => frame.IsInlined));
        Assert.Equal(snapshot.Traces[0].Traceback, loaded.Traces[0].Traceback);
        Assert.False(loaded.Traces[1].Traceback[0].IsInlined);

        // Without inlined frames the flag and its table are left out: the rest of the layout is version 2's.
        byte[] plain = SnapshotFile.Serialize(WithoutLiveData(Trace("U", Stats(1, 1), caller)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(plain.AsSpan(10)));
    }

    [Fact]
    public void The_inlined_frames_flag_needs_version_3_and_ascending_indexes()
    {
        Frame inlined = Frame("h.cs", 8, "App.Holder..ctor") with { IsInlined = true };
        byte[] data = SnapshotFile.Serialize(WithoutLiveData(Trace("T", Stats(1, 1), inlined, Frame("p.cs", 20)), Trace("V", Stats(1, 1), inlined with { LineNumber = 9 })));
        byte[] version2 = (byte[])data.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(version2.AsSpan(8), 2);
        Assert.Contains("flags", Assert.Throws<InvalidDataException>(() => SnapshotFile.Parse(SnapshotMutator.WithChecksum(version2))).Message, StringComparison.Ordinal);

        // The table follows the frame table: a count (2) and the indexes 0 and 2; swapping them is rejected.
        int table = IndexOfInts(data, [2, 0, 2]);
        Assert.True(table > SnapshotFile.HeaderBytes, "the inlined frame table was not found");
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(table + 4), 2);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(table + 8), 0);
        Assert.Contains("inlined frame", Assert.Throws<InvalidDataException>(() => SnapshotFile.Parse(SnapshotMutator.WithChecksum(data))).Message, StringComparison.Ordinal);
    }

    private static int IndexOfInts(byte[] data, int[] values)
    {
        for (int at = 0; at + (values.Length * 4) <= data.Length; at++)
        {
            if (Ints(data, at, values.Length).SequenceEqual(values))
            {
                return at;
            }
        }

        return -1;
    }

    [Fact]
    public void Version_1_files_load_without_live_data()
    {
        // Version 1 is version 2 without the flag and the live records: rewrite a v2 file of a snapshot without live data.
        byte[] data = SnapshotFile.Serialize(WithoutLiveData(Trace("T", Stats(3.5, 1.25, 2, 0.5, 0.75), Frame("f.cs", 9, "M", "D.dll"))));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(8), 1);
        Snapshot loaded = SnapshotFile.Parse(SnapshotMutator.WithChecksum(data));
        Assert.False(loaded.HasLiveData);
        Assert.Equal(3.5, loaded.Traces[0].Allocated.Size);

        // Version 1 defines no flag: the live flag on a version 1 file is rejected.
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(10), SnapshotFile.LiveDataFlag);
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => SnapshotFile.Parse(SnapshotMutator.WithChecksum(data)));
        Assert.Contains("flags", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dump_replaces_the_file_and_leaves_no_temporary_file()
    {
        string path = PathOf("snap.memtrack");
        File.WriteAllText(path, "old content");
        RichSnapshot().Dump(path);
        Assert.Equal(RichSnapshot().Traces.Count, Snapshot.Load(path).Traces.Count);
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void Dumped_file_is_readable_by_the_user_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string path = PathOf("private.memtrack");
        File.WriteAllText(path, "world readable");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        RichSnapshot().Dump(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Failed_dump_leaves_no_temporary_file()
    {
        string target = PathOf("a-directory");
        Directory.CreateDirectory(target);
        Exception? error = Record.Exception(() => RichSnapshot().Dump(target));
        Assert.True(error is IOException or UnauthorizedAccessException, error?.ToString());
        Assert.Empty(Directory.GetFiles(_directory));

        Assert.Throws<DirectoryNotFoundException>(() => RichSnapshot().Dump(Path.Combine(_directory, "missing", "x.memtrack")));
    }

    [Fact]
    public void Missing_file_throws_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => Snapshot.Load(PathOf("nope.memtrack")));
    }

    [Fact]
    public void Missing_directory_throws_FileNotFoundException()
    {
        string path = Path.Combine(_directory, "missing", "x.memtrack");
        var error = Assert.Throws<FileNotFoundException>(() => Snapshot.Load(path));
        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.IsType<DirectoryNotFoundException>(error.InnerException);
    }

    [Fact]
    public void A_directory_is_named_as_not_a_snapshot_file()
    {
        var error = Assert.Throws<FileNotFoundException>(() => Snapshot.Load(_directory));
        Assert.Equal($"'{_directory}' is a directory, not a snapshot file.", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Theory]
    [InlineData("bad magic", "not a MemTrack snapshot (bad magic)")]
    [InlineData("bad version", "unsupported format version 9")]
    [InlineData("bad flags", "unsupported flags 0x0101")]
    [InlineData("negative limit", "negative traceback limit -1")]
    [InlineData("string count", "2147483647 strings at byte 58 need at least 8589934600 bytes")]
    public void A_large_file_with_a_bad_header_is_rejected_without_reading_it(string problem, string expected)
    {
        byte[] head = SnapshotFile.Serialize(RichSnapshot())[..(SnapshotFile.HeaderBytes + sizeof(int))];
        switch (problem)
        {
            case "bad magic": "NOTASNAP"u8.CopyTo(head); break;
            case "bad version": head[8] = 9; break;
            case "bad flags": head[11] = 1; break;
            case "negative limit": BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(12), -1); break;
            default: BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(SnapshotFile.HeaderBytes), int.MaxValue); break;
        }

        const long Size = 200_000_000;
        string path = PathOf("large.bin");
        using (FileStream file = File.Create(path))
        {
            file.Write(head);
            file.SetLength(Size); // sparse: the rest reads as zeros
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = Record.Exception(() => Snapshot.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains(expected, Assert.IsType<InvalidDataException>(error).Message, StringComparison.Ordinal);
        Assert.True(allocated < 1_000_000, $"{allocated:N0} bytes allocated to reject a {Size:N0}-byte file by its header");
    }

    [Fact]
    public void Every_truncation_on_disk_gives_the_same_error_as_in_memory()
    {
        byte[] data = SnapshotFile.Serialize(RichSnapshot());
        string path = PathOf("cut.memtrack");
        for (int length = 0; length < data.Length; length++)
        {
            File.WriteAllBytes(path, data[..length]);
            string fromDisk = Assert.Throws<InvalidDataException>(() => Snapshot.Load(path)).Message;
            Assert.Equal(Assert.Throws<InvalidDataException>(() => SnapshotFile.Parse(data.AsSpan(0, length))).Message, fromDisk);
        }
    }

    [Fact]
    public void Empty_file_is_invalid()
    {
        string path = PathOf("empty");
        File.WriteAllBytes(path, []);
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => Snapshot.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_files_are_rejected_by_magic()
    {
        string path = PathOf("text.txt");
        File.WriteAllText(path, "hello, this is not a snapshot");
        Assert.Contains("not a MemTrack snapshot (bad magic)", Assert.Throws<InvalidDataException>(() => Snapshot.Load(path)).Message, StringComparison.Ordinal);
        Assert.Contains("bad magic", Invalid("MEMTRACX"u8.ToArray()), StringComparison.Ordinal);
        Assert.Contains("bad magic", Invalid("X"u8.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void Other_versions_and_flags_are_rejected()
    {
        byte[] data = SnapshotFile.Serialize(RichSnapshot());
        byte[] v7 = (byte[])data.Clone();
        v7[8] = 7;
        Assert.Contains("unsupported format version 7; this MemTrack reads versions 1 to 3", Invalid(v7), StringComparison.Ordinal);
        byte[] v0 = (byte[])data.Clone();
        v0[8] = 0;
        Assert.Contains("unsupported format version 0", Invalid(v0), StringComparison.Ordinal);
        byte[] flagged = (byte[])data.Clone();
        flagged[11] = 0x80;
        Assert.Contains("unsupported flags 0x8001", Invalid(SnapshotMutator.WithChecksum(flagged)), StringComparison.Ordinal);
        byte[] nextBit = (byte[])data.Clone();
        nextBit[10] |= 0x10;
        Assert.Contains("unsupported flags 0x0011", Invalid(SnapshotMutator.WithChecksum(nextBit)), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        byte[] data = SnapshotFile.Serialize(RichSnapshot());
        for (int length = 1; length < data.Length; length++)
        {
            string message = Invalid(data[..length]);
            string expected = string.Create(CultureInfo.InvariantCulture, $"truncated at byte {length}");
            Assert.True(message.Contains(expected, StringComparison.Ordinal), $"length {length}: {message}");
        }

    }

    [Fact]
    public void Truncated_file_on_disk_names_the_problem()
    {
        byte[] data = SnapshotFile.Serialize(RichSnapshot());
        string path = PathOf("cut.memtrack");
        File.WriteAllBytes(path, data[..20]);
        Assert.Contains("truncated at byte 20", Assert.Throws<InvalidDataException>(() => Snapshot.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        byte[] data = SnapshotFile.Serialize(RichSnapshot());
        Assert.Contains("3 unexpected bytes after the checksum", Invalid([.. data, 1, 2, 3]), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_single_byte_change_is_detected()
    {
        byte[] data = SnapshotFile.Serialize(RichSnapshot());
        foreach (byte mask in new byte[] { 0xFF, 0x01, 0x80 })
        {
            for (int i = 0; i < data.Length; i++)
            {
                byte[] copy = (byte[])data.Clone();
                copy[i] ^= mask;
                Assert.True(Rejects(copy), $"flip 0x{mask:X2} at byte {i} was accepted");
            }
        }
    }

    [Fact]
    public void Checksum_mismatch_is_reported()
    {
        byte[] data = SnapshotFile.Serialize(RichSnapshot());
        data[^10] ^= 0x55;
        Assert.Contains("checksum mismatch", Invalid(data), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(58, int.MaxValue, "or corrupt: 2147483647 strings at byte 58")]
    [InlineData(58, -1, "negative string count -1")]
    [InlineData(62, SnapshotFile.MaxStringBytes + 1, "invalid length")]
    [InlineData(62, -5, "invalid length -5")]
    [InlineData(89, int.MaxValue, "2147483647 frames at byte 89")]
    [InlineData(93, 4, "method name index 4")]
    [InlineData(97, -2, "file name index -2")]
    [InlineData(97, 4, "file name index 4")]
    [InlineData(101, -1, "negative line number -1")]
    [InlineData(105, 99, "module name index 99")]
    [InlineData(109, int.MaxValue, "2147483647 traces at byte 109")]
    [InlineData(113, int.MaxValue, "2147483647 frame references at byte 113")]
    [InlineData(117, 1, "frame index 1")]
    [InlineData(121, 0, "has 1 frames but a total of 0")]
    [InlineData(125, 7, "type name index 7")]
    [InlineData(12, -1, "negative traceback limit")]
    public void Corrupt_fields_with_a_valid_checksum_are_rejected(int offset, int value, string expected)
    {
        byte[] data = SnapshotFile.Serialize(TinySnapshot());
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(offset), value);
        Assert.Contains(expected, Invalid(SnapshotMutator.WithChecksum(data)), StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_values_with_a_valid_checksum_are_rejected()
    {
        byte[] data = SnapshotFile.Serialize(TinySnapshot());
        Assert.Contains("invalid timestamp", Invalid(Patch(data, d => BinaryPrimitives.WriteInt64LittleEndian(d.AsSpan(16), long.MaxValue))), StringComparison.Ordinal);
        Assert.Contains("invalid timestamp", Invalid(Patch(data, d => BinaryPrimitives.WriteInt16LittleEndian(d.AsSpan(24), 900))), StringComparison.Ordinal);
        Assert.Contains("invalid timestamp", Invalid(Patch(data, d => BinaryPrimitives.WriteInt64LittleEndian(d.AsSpan(16), -1))), StringComparison.Ordinal);
        Assert.Contains("negative allocated byte count", Invalid(Patch(data, d => BinaryPrimitives.WriteInt64LittleEndian(d.AsSpan(26), -1))), StringComparison.Ordinal);
        Assert.Contains("negative lost event count", Invalid(Patch(data, d => BinaryPrimitives.WriteInt64LittleEndian(d.AsSpan(34), -1))), StringComparison.Ordinal);
        Assert.Contains("not valid UTF-8", Invalid(Patch(data, d => d[66] = 0xFF)), StringComparison.Ordinal);
        Assert.Contains("negative sample count", Invalid(Patch(data, d => BinaryPrimitives.WriteInt64LittleEndian(d.AsSpan(129), -1))), StringComparison.Ordinal);
        Assert.Contains("size NaN", Invalid(Patch(data, d => BinaryPrimitives.WriteDoubleLittleEndian(d.AsSpan(137), double.NaN))), StringComparison.Ordinal);
        Assert.Contains("count variance", Invalid(Patch(data, d => BinaryPrimitives.WriteDoubleLittleEndian(d.AsSpan(161), -1))), StringComparison.Ordinal);
        Assert.Contains("size variance", Invalid(Patch(data, d => BinaryPrimitives.WriteDoubleLittleEndian(d.AsSpan(153), double.PositiveInfinity))), StringComparison.Ordinal);
    }

    [Fact]
    public void Null_and_empty_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => Snapshot.Load(null!));
        Assert.Throws<ArgumentException>(() => Snapshot.Load(string.Empty));
        Assert.Throws<ArgumentNullException>(() => Snapshot().Dump(null!));
        Assert.Throws<ArgumentException>(() => Snapshot().Dump(string.Empty));
        Assert.Throws<ArgumentNullException>(() => SnapshotFile.Write(null!, PathOf("x")));
        Assert.Throws<ArgumentNullException>(() => SnapshotFile.Serialize(null!));
        Assert.Throws<ArgumentNullException>(() => SnapshotFile.Read(null!));
    }

    private static Snapshot TinySnapshot() =>
        new(new SnapshotInfo(7, TakenAt, 1234, 5, Epoch, HasLiveData: true), [Trace("T", Stats(3.5, 1.25, 2, 0.5, 0.75), Frame("f.cs", 9, "M", "D.dll"))]);

    private static Snapshot RichSnapshot()
    {
        Frame main = Frame("/src/App/Program.cs", 5, "App.Program.Main");
        Frame create = Frame("/src/App/Orders.cs", 10, "App.Orders.Create");
        Frame unicode = Frame("/src/Ünïcødé/日本語.cs", 2_000_000, "App.Ünïcødé.Método\U0001F600", "Ünï.dll");
        Frame concat = NoSource("System.String.Concat", "System.Private.CoreLib.dll");
        var info = new SnapshotInfo(25, new DateTimeOffset(2031, 12, 31, 23, 59, 59, TimeSpan.FromMinutes(345)).AddTicks(1234567), long.MaxValue, 42, Guid.NewGuid(), HasLiveData: true);
        Trace[] traces =
        [
            Trace("System.Byte[]", Stats(1.0 / 3, Math.PI, 1, double.Epsilon, 1e300), create, main),
            new Trace(new Traceback([concat, create, main], totalFrames: 90), "System.String", Stats(123456789.123, 0.1, long.MaxValue, 0, 5e-324), Stats(2.5, 1e-3, 7, 1e10, 0)),
            Trace("System.Collections.Generic.Dictionary`2[System.String,System.Int32]", Stats(0, 0, 0), unicode, unicode, main),
            Trace("MyApp.Empty", Stats(64, 1)),
            Trace(string.Empty, Stats(1e-10, 2.5), concat),
        ];
        return new Snapshot(info, traces);
    }

    private static bool Rejects(byte[] data)
    {
        Exception? error = Record.Exception(() => SnapshotFile.Parse(data));
        return error is InvalidDataException;
    }

    private static string Invalid(byte[] data) => Assert.Throws<InvalidDataException>(() => SnapshotFile.Parse(data)).Message;

    private static byte[] Patch(byte[] data, Action<byte[]> patch)
    {
        byte[] copy = (byte[])data.Clone();
        patch(copy);
        return SnapshotMutator.WithChecksum(copy);
    }

    private static int[] Ints(byte[] data, int offset, int count) =>
        [.. Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(offset + (4 * i))))];

    private static long[] Bits(Trace trace) =>
    [
        trace.Allocated.Samples,
        BitConverter.DoubleToInt64Bits(trace.Allocated.Size),
        BitConverter.DoubleToInt64Bits(trace.Allocated.Count),
        BitConverter.DoubleToInt64Bits(trace.Allocated.SizeVariance),
        BitConverter.DoubleToInt64Bits(trace.Allocated.CountVariance),
    ];

    private string PathOf(string name) => Path.Combine(_directory, name);
}
