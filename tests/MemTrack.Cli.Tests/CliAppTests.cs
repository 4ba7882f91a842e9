namespace MemTrack.Cli.Tests;

public sealed class CliAppTests
{
    [Theory]
    [InlineData("top")]
    [InlineData("compare")]
    [InlineData("report")]
    [InlineData("export")]
    [InlineData("run")]
    [InlineData("heap")]
    public void EveryCommandHasHelp(string command)
    {
        CliRun run = CliRun.Of(command, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
        Assert.Contains($"memtrack {command}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRootHelpListsTheCommandsAndTheExitCodes()
    {
        CliRun run = CliRun.Of("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (string command in new[] { "top", "compare", "report", "export", "run", "heap" })
        {
            Assert.Contains("  " + command + " ", run.Output, StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes: 0 done; 1 bad input (a file missing, unreadable or not a snapshot, an output that cannot be written, no live data, no .NET process at the pid); 2 bad command line; 3 run could not trace the app; 4 internal error", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownCommandIsAUsageError()
    {
        CliRun run = CliRun.Of("frobnicate");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("memtrack: Unrecognized command or argument 'frobnicate'.", run.Error, StringComparison.Ordinal);
    }
}
