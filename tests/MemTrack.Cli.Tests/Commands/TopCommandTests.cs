namespace MemTrack.Cli.Tests.Commands;

public sealed class TopCommandTests : IDisposable
{
    private readonly SnapshotFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void PrintsTheLinesLiveByDefault()
    {
        CliRun run = CliRun.Of("top", _files.After());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        string[] lines = run.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Top 1 of 1 by lineno, live memory (estimated, still alive); snapshot of 2024-05-01 12:30:15 +02:00, depth 10, lost events 3", lines[0], StringComparison.Ordinal);
        Assert.Equal("WARNING: 3 events were lost (dropped by the runtime while the tracer's reader was behind, or not decodable), so this data is incomplete and the estimates are too low.", lines[1]);
        Assert.Equal("#1: Cache.cs:12: size=40.0 KiB (±0%), count=40, average=1024 B", lines[2]);
        Assert.Equal("Total: 40.0 KiB", lines[3]);
    }

    [Fact]
    public void CompleteDataHasNoWarningAndDegradedDataSaysSo()
    {
        CliRun complete = CliRun.Of("top", _files.Complete());
        CliRun degraded = CliRun.Of("top", _files.Degraded(), "--kind", "allocated");

        Assert.Equal((0, 0), (complete.ExitCode, degraded.ExitCode));
        Assert.DoesNotContain("WARNING", complete.Output, StringComparison.Ordinal);
        Assert.Equal(
            "WARNING: taken in degraded mode (the tracing session could not be opened; see MemTracker.Health): only the exact allocated total was measured, no allocation sites.",
            degraded.Output.Split(Environment.NewLine)[1]);
    }

    [Fact]
    public void KeyKindAndTopAreHonoured()
    {
        CliRun run = CliRun.Of("top", _files.After(), "--key", "method", "--kind", "allocated", "-n", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("#1: App.Page.Render (Page.cs): size=200 KiB (±0%), count=1000, average=204 B", run.Output, StringComparison.Ordinal);
        Assert.Contains("1 other: 40.0 KiB", run.Output, StringComparison.Ordinal);
        Assert.Contains("Total: 240 KiB", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TracebackKeyPrintsTheFrames()
    {
        CliRun run = CliRun.Of("top", _files.After(), "-k", "TRACEBACK", "--kind", "Allocated");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("  File \"Page.cs\", line 30, in App.Page.Render", run.Output, StringComparison.Ordinal);
        Assert.Contains("  File \"Program.cs\", line 5, in App.Program.Main", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void CumulativeCountsEachFrameButTheTotalOnlyOnce()
    {
        CliRun run = CliRun.Of("top", _files.After(), "--key", "method", "--cumulative", "--kind", "allocated", "-n", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("by method (cumulative), allocated memory", run.Output, StringComparison.Ordinal);
        Assert.Contains("#1: App.Program.Main (Program.cs): size=240 KiB", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(" other: ", run.Output, StringComparison.Ordinal);
        Assert.EndsWith("Total: 240 KiB" + Environment.NewLine, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeKeyGroupsByAllocatedType()
    {
        CliRun run = CliRun.Of("top", _files.After(), "--key", "type", "--kind", "allocated");

        Assert.Contains("#1: System.String: size=200 KiB", run.Output, StringComparison.Ordinal);
        Assert.Contains("#2: System.Byte[]: size=40.0 KiB", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ASnapshotWithoutLiveDataShowsAllocatedUnlessLiveIsAsked()
    {
        string file = _files.WithoutLive();

        Assert.Contains("allocated memory", CliRun.Of("top", file).Output, StringComparison.Ordinal);
        CliRun live = CliRun.Of("top", file, "--kind", "live");
        Assert.Equal(1, live.ExitCode);
        Assert.Equal("memtrack: The snapshot has no live data (it was taken with TrackLiveObjects off); use --kind allocated.", live.ErrorLine);
    }

    [Fact]
    public void AMissingFileIsOneLineAndExitCodeOne()
    {
        string missing = _files.Path("missing.mtsnap");

        CliRun run = CliRun.Of("top", missing);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        Assert.Equal($"memtrack: {missing}: no such file.", run.ErrorLine);
    }

    [Fact]
    public void AFileThatIsNotASnapshotIsOneLineAndExitCodeOne()
    {
        string bad = _files.Path("bad.mtsnap");
        File.WriteAllText(bad, "not a snapshot at all");

        CliRun run = CliRun.Of("top", bad);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"memtrack: {bad} is not a readable MemTrack snapshot: ", run.ErrorLine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("memtrack: 'bogus' is not one of: lineno, filename, traceback, method, type.", "--key", "bogus")]
    [InlineData("memtrack: '1' is not one of: lineno, filename, traceback, method, type.", "--key", "1")]
    [InlineData("memtrack: 'dead' is not one of: live, allocated.", "--kind", "dead")]
    [InlineData("memtrack: -n must be at least 1.", "-n", "0")]
    [InlineData("memtrack: Cannot parse argument 'ten' for option '--top' as expected type 'System.Int32'.", "-n", "ten")]
    [InlineData("memtrack: --cumulative works with --key lineno, filename or method.", "--key", "traceback", "--cumulative")]
    public void BadOptionsAreUsageErrors(string message, params string[] options)
    {
        CliRun run = CliRun.Of(["top", _files.After(), .. options]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(message, run.ErrorLine);
    }
}
