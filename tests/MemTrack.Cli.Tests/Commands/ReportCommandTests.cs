namespace MemTrack.Cli.Tests.Commands;

public sealed class ReportCommandTests : IDisposable
{
    private readonly SnapshotFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void PrintsTheSameReportAsSnapshotWriteReport()
    {
        string file = _files.After();
        var expected = new StringWriter();
        Snapshot.Load(file).WriteReport(expected, top: 1, tracebackFrames: 0);

        CliRun run = CliRun.Of("report", file, "-n", "1", "--frames", "0");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected.ToString(), run.Output);
        Assert.Contains("Top 1 line by allocated memory", run.Output, StringComparison.Ordinal);
        Assert.Contains(Environment.NewLine + "WARNING: 3 events were lost (dropped by the runtime while the tracer's reader was behind, or not decodable), so this data is incomplete and the estimates are too low." + Environment.NewLine, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeFramesAreAUsageError()
    {
        CliRun run = CliRun.Of("report", _files.After(), "--frames", "-1");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("memtrack: --frames must be 0 or more.", run.ErrorLine);
    }
}
