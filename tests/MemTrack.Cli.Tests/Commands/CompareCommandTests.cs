namespace MemTrack.Cli.Tests.Commands;

public sealed class CompareCommandTests : IDisposable
{
    private readonly SnapshotFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void ShowsWhatGrewAndStaysAlive()
    {
        CliRun run = CliRun.Of("compare", _files.Before(), _files.After());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            """
            Top 1 of 1 differences by lineno, live memory (estimated, still alive)
            old: WARNING: 3 events were lost (dropped by the runtime while the tracer's reader was behind, or not decodable), so this data is incomplete and the estimates are too low.
            new: WARNING: 3 events were lost (dropped by the runtime while the tracer's reader was behind, or not decodable), so this data is incomplete and the estimates are too low.
            #1: Cache.cs:12: size=40.0 KiB (+36.0 KiB ±0%), count=40 (+36), average=1024 B
            Total change: +36.0 KiB

            """.ReplaceLineEndings(),
            run.Output);
    }

    [Fact]
    public void AllocatedShowsTheGarbageToo()
    {
        CliRun run = CliRun.Of("compare", _files.Before(), _files.After(), "--kind", "allocated", "--key", "traceback");

        Assert.Contains("#1: Page.cs:30: size=200 KiB (+180 KiB ±0%), count=1000 (+900), average=204 B", run.Output, StringComparison.Ordinal);
        Assert.Contains("  File \"Page.cs\", line 30, in App.Page.Render", run.Output, StringComparison.Ordinal);
        Assert.Contains("Total change: +216 KiB", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveIsRefusedWhenEitherSnapshotLacksIt()
    {
        CliRun run = CliRun.Of("compare", _files.WithoutLive(), _files.After(), "--kind", "live");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no live data", run.ErrorLine, StringComparison.Ordinal);
    }

    [Fact]
    public void BothFilesAreNeeded()
    {
        CliRun run = CliRun.Of("compare", _files.After());

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Required argument missing", run.Error, StringComparison.Ordinal);
    }
}
