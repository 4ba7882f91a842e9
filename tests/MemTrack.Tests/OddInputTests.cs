using System.Buffers.Binary;
using MemTrack.Internal.Analysis;
using MemTrack.Internal.Storage;
using MemTrack.Tests.Internal.Storage;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests;

/// <summary>
/// Input at the edges of the public API: filter patterns no one writes on purpose, depths and sizes far out of
/// range, snapshots without a single trace, and snapshot files of another format version.
/// </summary>
public sealed class OddInputTests : IDisposable
{
    private static readonly string LongName = "/src/" + new string('a', 100_000) + ".cs";

    private readonly string _directory = Directory.CreateTempSubdirectory("memtrack-odd-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string> OddPatterns() =>
    [
        string.Empty, "*", "**", "**/**", "[", "]", "[]", "[!]", "[!", "[[", "[]]", "[z-a]", "\0", "*\0*", "?", "\\", "*\\*",
        "日本語", "*日本語*", "*\U0001F600*", "\uD800", "*\uDC00", new string('*', 10_000), new string('[', 10_000),
        string.Concat(Enumerable.Repeat("a*", 5_000)), LongName, "*" + LongName[^50..],
    ];

    [Theory]
    [MemberData(nameof(OddPatterns))]
    public void Odd_filter_patterns_filter_without_throwing(string pattern)
    {
        Snapshot snapshot = OddNames();

        Snapshot files = snapshot.FilterTraces([new Filter(true, pattern, allFrames: true)]);
        Snapshot notFiles = snapshot.FilterTraces([new Filter(false, pattern)]);
        Snapshot types = snapshot.FilterTraces([new TypeFilter(true, pattern)]);
        Snapshot notTypes = snapshot.FilterTraces([new TypeFilter(false, pattern)]);

        // An exclusive filter keeps exactly what the inclusive one drops (for the innermost frame).
        Snapshot innermost = snapshot.FilterTraces([new Filter(true, pattern)]);
        Assert.Equal(snapshot.Traces.Count, innermost.Traces.Count + notFiles.Traces.Count);
        Assert.Equal(snapshot.Traces.Count, types.Traces.Count + notTypes.Traces.Count);
        Assert.True(files.Traces.Count >= innermost.Traces.Count);
        _ = files.Statistics(KeyType.FileName, cumulative: true);
        _ = types.Statistics(KeyType.Type);
    }

    [Fact]
    public void Odd_patterns_match_what_fnmatch_would()
    {
        Snapshot snapshot = OddNames();

        Assert.Equal(["T0"], TypesKept(snapshot, new Filter(true, string.Empty))); // only the frame whose file name is empty
        Assert.Equal(7, TypesKept(snapshot, new Filter(true, "*")).Count); // every trace with a frame; the empty traceback has none
        Assert.Equal(["T1", "T3", "T4", "T5"], TypesKept(snapshot, new Filter(true, "**/**")));
        Assert.Equal(["T2"], TypesKept(snapshot, new Filter(true, "[")));
        Assert.Equal(["T3"], TypesKept(snapshot, new Filter(true, "*\0*")));
        Assert.Equal(["T4"], TypesKept(snapshot, new Filter(true, "*日本語*")));
        Assert.Equal(["T5"], TypesKept(snapshot, new Filter(true, LongName)));
        Assert.Equal(["T6"], TypesKept(snapshot, new Filter(true, "Module.dll"))); // no source file: the module is matched
        Assert.Equal(["T5"], TypesKept(snapshot, new Filter(true, "*", lineNumber: int.MaxValue)));
        Assert.Equal(["T0", "T1", "T2", "T3", "T4", "T5", "T6", "T7"], TypesKept(snapshot, new TypeFilter(true, "T?")));
        Assert.Empty(TypesKept(snapshot, new TypeFilter(true, string.Empty)));
        Assert.Equal("lineNumber", Assert.Throws<ArgumentOutOfRangeException>(() => new Filter(true, "*", lineNumber: -1)).ParamName);
        Assert.Throws<ArgumentNullException>(() => new Filter(true, null!));
        Assert.Throws<ArgumentNullException>(() => new TypeFilter(true, null!));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    [InlineData(100_000)]
    public void Huge_depths_and_sizes_throw_ArgumentOutOfRangeException_naming_the_parameter(int value)
    {
        // Every value is out of range for every option here, so each call fails in validation before any tracer state
        // is touched: this class needs no tracer collection.
        Assert.Equal("depth", Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Start(value)).ParamName);
        Assert.Equal("depth", Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Trace(value)).ParamName);
        Assert.Equal("Depth", Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Start(new MemTrackerOptions { Depth = value })).ParamName);
        Assert.Equal("Depth", Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Trace(new MemTrackerOptions { Depth = value })).ParamName);
        Assert.Equal("TracebackFrames", Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Start(new MemTrackerOptions { ExitReport = new() { TracebackFrames = value } })).ParamName);
        Assert.Equal("Top", Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Start(new MemTrackerOptions { ExitReport = new() { Top = value } })).ParamName);
        Assert.Equal("BufferSizeMB", Assert.Throws<ArgumentOutOfRangeException>(() => HeapSnapshot.Capture(new HeapCaptureOptions { BufferSizeMB = value })).ParamName);
        if (value < 0)
        {
            Assert.Equal("MaxSites", Assert.Throws<ArgumentOutOfRangeException>(() => MemTracker.Start(new MemTrackerOptions { MaxSites = value })).ParamName);
            Assert.Equal("top", Assert.Throws<ArgumentOutOfRangeException>(() => OddNames().WriteReport(TextWriter.Null, top: value)).ParamName);
            Assert.Equal("tracebackFrames", Assert.Throws<ArgumentOutOfRangeException>(() => OddNames().WriteReport(TextWriter.Null, tracebackFrames: value)).ParamName);
        }
    }

    [Fact]
    public void Huge_counts_where_they_are_allowed_allocate_nothing_in_proportion()
    {
        Snapshot snapshot = OddNames();
        var report = new StringWriter();
        long before = GC.GetAllocatedBytesForCurrentThread();
        snapshot.WriteReport(report, top: int.MaxValue, tracebackFrames: int.MaxValue);
        IReadOnlyList<string> all = snapshot.Traces[1].Traceback.Format(limit: int.MaxValue);
        IReadOnlyList<string> oldest = snapshot.Traces[1].Traceback.Format(limit: int.MinValue);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("Top 8 lines by allocated memory", report.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, all.Count);
        Assert.Equal(2, oldest.Count);
        Assert.True(allocated < 16L << 20, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_snapshot_without_traces_works_everywhere(bool live)
    {
        Snapshot empty = live ? Snapshot() : WithoutLiveData();
        Snapshot full = OddNames();
        MemoryKind kind = live ? MemoryKind.Live : MemoryKind.Allocated;

        foreach (KeyType key in Enum.GetValues<KeyType>())
        {
            Assert.Empty(empty.Statistics(key, kind: kind));
            Assert.Empty(empty.CompareTo(empty, key, kind: kind));
            Assert.Equal(full.Statistics(key, kind: MemoryKind.Allocated).Count, full.CompareTo(empty, key, kind: MemoryKind.Allocated).Count);
            Assert.All(empty.CompareTo(full, key, kind: MemoryKind.Allocated), diff => Assert.Equal(0, diff.Size));
        }

        Assert.Empty(empty.Statistics(KeyType.LineNo, cumulative: true, kind: kind));
        Assert.Empty(empty.FilterTraces([new Filter(true, "*")]).Traces);
        foreach (ExportFormat format in Enum.GetValues<ExportFormat>())
        {
            using var stream = new MemoryStream();
            empty.Export(stream, format, kind);
            Assert.True(stream.Length > 0 || format == ExportFormat.CollapsedStacks, $"{format} wrote nothing");
            string path = Path.Combine(_directory, $"empty-{format}");
            empty.Export(path, format, kind);
            Assert.Equal(stream.ToArray(), File.ReadAllBytes(path));
        }

        var report = new StringWriter();
        empty.WriteReport(report);
        Assert.Contains("0 allocation sites", report.ToString(), StringComparison.Ordinal);
        Assert.Contains("Top 0 lines by allocated memory", report.ToString(), StringComparison.Ordinal);

        string file = Path.Combine(_directory, "empty.mtsnap");
        empty.Dump(file);
        Snapshot loaded = Snapshot.Load(file);
        Assert.Empty(loaded.Traces);
        Assert.Equal(empty.Info, loaded.Info);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(100)]
    [InlineData(ushort.MaxValue)]
    public void A_snapshot_file_of_another_version_is_rejected_naming_the_version(ushort version)
    {
        // A file that is valid in every other respect, checksum included: only the version is wrong.
        byte[] data = SnapshotFile.Serialize(OddNames());
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(8), version);
        string path = Path.Combine(_directory, $"v{version}.mtsnap");
        File.WriteAllBytes(path, SnapshotMutator.WithChecksum(data));

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Snapshot.Load(path));
        Assert.Equal(
            $"Invalid MemTrack snapshot file: unsupported format version {version}; this MemTrack reads versions {SnapshotFile.MinReadableVersion} to {SnapshotFile.FormatVersion}",
            error.Message);
    }

    /// <summary>Traces T0..T7 whose innermost frames have odd file names: empty, "[", a NUL, Unicode, 100,000 characters, none.</summary>
    private static Snapshot OddNames() => Snapshot(
        Trace("T0", Stats(8, 1), Frame(string.Empty, 1)),
        Trace("T1", Stats(7, 1), Frame("/src/App/Program.cs", 2), Frame("/src/App/Main.cs", 3)),
        Trace("T2", Stats(6, 1), Frame("[", 3)),
        Trace("T3", Stats(5, 1), Frame("/src/nul\0byte.cs", 4)),
        Trace("T4", Stats(4, 1), Frame("/src/日本語/\U0001F600.cs", 5)),
        Trace("T5", Stats(3, 1), Frame(LongName, int.MaxValue)),
        Trace("T6", Stats(2, 1), NoSource("M", "Module.dll")),
        Trace("T7", Stats(1, 1)));

    private static List<string> TypesKept(Snapshot snapshot, TraceFilter filter) =>
        [.. snapshot.FilterTraces([filter]).Traces.Select(t => t.TypeName).Order(StringComparer.Ordinal)];
}
