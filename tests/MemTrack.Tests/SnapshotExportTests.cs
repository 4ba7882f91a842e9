using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using MemTrack.Tests.Internal.Export;
using MemTrack.Tests.Shared;
using MemTrack.Tests.TestSupport;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests;

/// <summary>
/// <see cref="Snapshot.Export(Stream, ExportFormat, MemoryKind)"/> and its file overload: argument checks, the caller's
/// stream, files, and one export of a real traced snapshot in every format (the formats themselves are tested in
/// Internal/Export).
/// </summary>
[Collection(TracerCollection.Name)]
public sealed class SnapshotExportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("memtrack-export-").FullName;

    public SnapshotExportTests() => MemTracker.Stop();

    public static TheoryData<ExportFormat> Formats => new(Enum.GetValues<ExportFormat>());

    public void Dispose()
    {
        MemTracker.Stop();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Dump_and_Export_write_through_devices_and_pipes_and_follow_links_without_replacing_them()
    {
        Snapshot snapshot = WithoutLiveData(Trace("T", Stats(64, 1), Frame("a.cs", 3)));

        string device = SpecialFiles.NullDevice(_directory, "null");
        snapshot.Dump(device);
        snapshot.Export(device, ExportFormat.CollapsedStacks, MemoryKind.Allocated);
        Assert.Equal("character special file", SpecialFiles.TypeOf(device));

        string pipe = SpecialFiles.Fifo(_directory, "pipe");
        Task<string> reader = SpecialFiles.ReadAll(pipe);
        snapshot.Export(pipe, ExportFormat.CollapsedStacks, MemoryKind.Allocated);
        Assert.Equal("App.Program.Main (a.cs:3);T 64", (await reader.WaitAsync(TimeSpan.FromSeconds(10))).Trim());
        Assert.Equal("fifo", SpecialFiles.TypeOf(pipe));

        string file = Path.Combine(_directory, "real.mtsnap");
        string link = Path.Combine(_directory, "link.mtsnap");
        File.CreateSymbolicLink(link, file);
        snapshot.Dump(link);
        Assert.Equal("symbolic link", SpecialFiles.TypeOf(link));
        Assert.Equal(64, Snapshot.Load(file).Traces[0].Size);
    }

    [Fact]
    public void Null_or_empty_destinations_are_rejected()
    {
        Snapshot snapshot = ExportSamples.Sample();
        Assert.Equal("destination", Assert.Throws<ArgumentNullException>(() => snapshot.Export((Stream)null!, ExportFormat.Pprof)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => snapshot.Export((string)null!, ExportFormat.Pprof)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => snapshot.Export(string.Empty, ExportFormat.Pprof)).ParamName);
        using var readOnly = new MemoryStream([], writable: false);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => snapshot.Export(readOnly, ExportFormat.Pprof)).ParamName);
    }

    [Fact]
    public void Undefined_format_or_kind_is_out_of_range_and_creates_no_file()
    {
        Snapshot snapshot = ExportSamples.Sample();
        string path = Path.Combine(_directory, "bad.out");
        using var stream = new MemoryStream();
        Assert.Equal("format", Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.Export(stream, (ExportFormat)42)).ParamName);
        Assert.Equal("format", Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.Export(path, (ExportFormat)(-1))).ParamName);
        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.Export(stream, ExportFormat.Speedscope, (MemoryKind)7)).ParamName);
        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.Export(path, ExportFormat.Speedscope, (MemoryKind)7)).ParamName);
        Assert.Equal(0, stream.Length);
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Live_export_without_live_data_throws_as_statistics_do(ExportFormat format)
    {
        Snapshot snapshot = WithoutLiveData(ExportSamples.Bytes);
        string expected = Assert.Throws<InvalidOperationException>(() => snapshot.CompareTo(snapshot, KeyType.LineNo)).Message;
        using var stream = new MemoryStream();
        Assert.Equal(expected, Assert.Throws<InvalidOperationException>(() => snapshot.Export(stream, format)).Message);
        Assert.Equal(expected, Assert.Throws<InvalidOperationException>(() => snapshot.Export(Path.Combine(_directory, "live.out"), format, MemoryKind.Live)).Message);
        Assert.Contains("no live data", expected, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length);
        Assert.Empty(Directory.GetFileSystemEntries(_directory));

        // Allocated memory can still be exported.
        snapshot.Export(stream, format, MemoryKind.Allocated);
        Assert.True(stream.Length > 0);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void The_callers_stream_stays_open_and_gets_everything(ExportFormat format)
    {
        using var stream = new MemoryStream();
        stream.Write("prefix"u8);
        ExportSamples.Sample().Export(stream, format);
        Assert.True(stream.CanWrite);
        byte[] expected = ExportSamples.Export(ExportSamples.Sample(), format);
        Assert.Equal(expected, stream.ToArray()[6..]);
        stream.WriteByte(0);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void File_export_writes_the_same_bytes_user_only_and_replaces_the_file(ExportFormat format)
    {
        string path = Path.Combine(_directory, "export.out");
        File.WriteAllText(path, "an older, longer file that must be replaced, not overwritten in place");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        ExportSamples.Sample().Export(path, format, MemoryKind.Allocated);
        Assert.Equal(ExportSamples.Export(ExportSamples.Sample(), format, MemoryKind.Allocated), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Kind_defaults_to_live()
    {
        Snapshot snapshot = ExportSamples.Sample();
        using var stream = new MemoryStream();
        snapshot.Export(stream, ExportFormat.CollapsedStacks);
        Assert.Equal(ExportSamples.Export(snapshot, ExportFormat.CollapsedStacks, MemoryKind.Live), stream.ToArray());
        Assert.NotEqual(ExportSamples.Export(snapshot, ExportFormat.CollapsedStacks, MemoryKind.Allocated), stream.ToArray());
    }

    [Fact]
    public void ExportsARealTracedSnapshotInEveryFormat()
    {
        MemTracker.Start(10);

        // 20 MB of 100 KB arrays allocated below this method and kept alive: the biggest live stack by far.
        byte[][] held = Workloads.Arrays(200, 100_000);
        Snapshot snapshot = MemTracker.TakeSnapshot(collect: true);
        GC.KeepAlive(held);
        MemTracker.Stop();
        const string testMethod = nameof(ExportsARealTracedSnapshotInEveryFormat);
        Assert.Contains(snapshot.Traces, t => t.LiveSize > 0 && t.Traceback.Any(f => f.Method.EndsWith(testMethod, StringComparison.Ordinal)));

        string collapsed = Encoding.UTF8.GetString(ExportSamples.Export(snapshot, ExportFormat.CollapsedStacks));
        Assert.Contains(collapsed.Split('\n'), line => line.Contains(testMethod, StringComparison.Ordinal) && line.Contains(";System.Byte[] ", StringComparison.Ordinal));

        using JsonDocument speedscope = JsonDocument.Parse(ExportSamples.Export(snapshot, ExportFormat.Speedscope));
        Assert.Contains(
            speedscope.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray(),
            f => f.GetProperty("name").GetString()!.Contains(testMethod, StringComparison.Ordinal) && f.TryGetProperty("line", out _));

        Perftools.Profiles.Profile pprof = PprofWriterTests.Decode(ExportSamples.Export(snapshot, ExportFormat.Pprof));
        Assert.Contains(
            pprof.Function,
            f => pprof.StringTable[(int)f.Name].EndsWith(testMethod, StringComparison.Ordinal) && pprof.StringTable[(int)f.Filename].EndsWith("SnapshotExportTests.cs", StringComparison.Ordinal));
        Assert.Equal(snapshot.Traces.Sum(t => t.LiveSize), pprof.Sample.Sum(s => s.Value[3]));

        string svgPath = Path.Combine(_directory, "real.svg");
        snapshot.Export(svgPath, ExportFormat.FlameGraph);
        XDocument svg = XDocument.Load(svgPath);
        Assert.Contains(svg.Descendants().Where(e => e.Name.LocalName == "title"), t => t.Value.Contains(testMethod, StringComparison.Ordinal));
    }
}
