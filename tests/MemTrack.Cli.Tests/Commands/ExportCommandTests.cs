using System.Text.Json;
using MemTrack.Tests.Shared;
using System.Xml.Linq;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Cli.Tests.Commands;

public sealed class ExportCommandTests : IDisposable
{
    private readonly SnapshotFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task AnOutputThatIsAPipeOrADeviceIsWrittenThroughNotReplaced()
    {
        string pipe = SpecialFiles.Fifo(_files.Directory, "out.pipe");
        Task<string> reader = SpecialFiles.ReadAll(pipe);
        Assert.Equal(0, CliRun.Of("export", _files.After(), "--format", "collapsed", "-o", pipe, "--kind", "allocated").ExitCode);
        Assert.Contains("App.Page.Render (Page.cs:30);System.String 204800", await reader.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        Assert.Equal("fifo", SpecialFiles.TypeOf(pipe));

        string device = SpecialFiles.NullDevice(_files.Directory, "null");
        Assert.Equal(0, CliRun.Of("export", _files.After(), "--format", "collapsed", "-o", device, "--kind", "allocated").ExitCode);
        Assert.Equal("character special file", SpecialFiles.TypeOf(device));

        CliRun directory = CliRun.Of("export", _files.After(), "--format", "collapsed", "-o", _files.Directory, "--kind", "allocated");
        Assert.Equal(1, directory.ExitCode);
        Assert.Contains("is a directory", directory.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void CollapsedStacksOfTheAllocatedView()
    {
        string output = _files.Path("out.txt");

        CliRun run = CliRun.Of("export", _files.After(), "--format", "collapsed", "-o", output, "--kind", "allocated");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                "App.Program.Main (Program.cs:5);App.Cache.Add (Cache.cs:12);System.Byte[] 40960",
                "App.Program.Main (Program.cs:5);App.Page.Render (Page.cs:30);System.String 204800",
            ],
            File.ReadAllLines(output).Order(StringComparer.Ordinal));
        Assert.StartsWith($"Wrote {output} (", run.Error, StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine + "WARNING: 3 events were lost (dropped by the runtime while the tracer's reader was behind, or not decodable), so this data is incomplete and the estimates are too low." + Environment.NewLine, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SpeedscopeJsonOfTheLiveView()
    {
        string output = _files.Path("out.speedscope.json");

        Assert.Equal(0, CliRun.Of("export", _files.After(), "-f", "speedscope", "-o", output).ExitCode);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal("https://www.speedscope.app/file-format-schema.json", json.RootElement.GetProperty("$schema").GetString());
        JsonElement profile = json.RootElement.GetProperty("profiles")[0];
        Assert.Equal("sampled", profile.GetProperty("type").GetString());
        Assert.Equal(40_960, profile.GetProperty("weights").EnumerateArray().Sum(w => w.GetInt64()));
    }

    [Fact]
    public void PprofIsWhatSnapshotExportWrites()
    {
        string input = _files.After();
        string output = _files.Path("out.pb.gz");
        using var expected = new MemoryStream();
        Snapshot.Load(input).Export(expected, ExportFormat.Pprof);

        Assert.Equal(0, CliRun.Of("export", input, "-f", "PPROF", "-o", output).ExitCode);

        Assert.True(expected.Length > 0);
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(output)); // the profile.proto decode is in MemTrack.Tests
    }

    [Fact]
    public void FlameGraphSvgIsValidXmlNamingTheMethods()
    {
        string output = _files.Path("out.svg");

        Assert.Equal(0, CliRun.Of("export", _files.After(), "-f", "flamegraph", "-o", output, "--kind", "allocated").ExitCode);

        string svg = File.ReadAllText(output);
        Assert.Equal("svg", XDocument.Parse(svg).Root!.Name.LocalName);
        Assert.Contains("App.Cache.Add", svg, StringComparison.Ordinal);
        Assert.Contains("App.Page.Render", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void BigSnapshotsReportProgress()
    {
        string input = _files.Path("big.mtsnap");
        Trace[] traces = [.. Enumerable.Range(1, 10_000).Select(i => Trace(100 * i, i, Frame($"F{i}.cs", i)))];
        Snapshot(traces).Dump(input);

        CliRun run = CliRun.Of("export", input, "-f", "collapsed", "-o", _files.Path("big.txt"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Exporting 10000 traces...", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"Wrote .*big\.txt \(.*, live memory\) in \d+\.\d s\.", run.Error);
        Assert.Equal(10_000, File.ReadAllLines(_files.Path("big.txt")).Length);
    }

    [Theory]
    [InlineData("memtrack: 'bogus' is not one of: speedscope, pprof, collapsed, flamegraph.", "-f", "bogus", "-o", "x")]
    [InlineData("memtrack: Option '--output' is required.", "-f", "pprof")]
    [InlineData("memtrack: Option '--format' is required.", "-o", "x")]
    public void BadOptionsAreUsageErrors(string message, params string[] options)
    {
        CliRun run = CliRun.Of(["export", _files.After(), .. options]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(message, run.ErrorLine);
    }

    [Fact]
    public void AnUnwritableOutputIsOneLineAndExitCodeOne()
    {
        string output = _files.Path(Path.Combine("no", "such", "dir", "out.svg"));

        CliRun run = CliRun.Of("export", _files.After(), "-f", "flamegraph", "-o", output);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"memtrack: {output} could not be written: ", run.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveExportOfASnapshotWithoutLiveDataIsRefused()
    {
        CliRun run = CliRun.Of("export", _files.WithoutLive(), "-f", "collapsed", "-o", _files.Path("x"), "--kind", "live");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no live data", run.ErrorLine, StringComparison.Ordinal);
    }
}
