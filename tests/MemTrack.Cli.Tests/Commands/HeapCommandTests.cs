using System.Diagnostics;
using System.Text.RegularExpressions;
using MemTrack.Tests.Shared;

namespace MemTrack.Cli.Tests.Commands;

/// <summary>memtrack heap captures tests/MemTrack.HookedApp (waiting, its catalog of 20,000 byte[512] alive) from outside.</summary>
public sealed partial class HeapCommandTests
{
    private static readonly string AppPath = ChildProcess.SiblingOutput("MemTrack.Cli.Tests", "MemTrack.HookedApp", "MemTrack.HookedApp.dll");

    [Fact]
    public void PrintsTheTypesOfAnotherProcessWithProgress()
    {
        using WaitingChild child = WaitingChild.Start("dotnet", AppPath, "wait");

        CliRun run = CliRun.Of("heap", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", "5");

        Assert.True(run.ExitCode == 0, run.Error);
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches($@"^Heap of process {child.Id} at .*: \d+ objects, .*, captured in \d+\.\d s$", lines[0]);
        Assert.StartsWith("Top 5 of ", lines[1], StringComparison.Ordinal);
        Assert.Equal(5, lines.Count(l => l.StartsWith('#')));
        Match bytes = ByteArrays().Match(run.Output);
        Assert.True(bytes.Success, run.Output);
        Assert.True(long.Parse(bytes.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 20_000, bytes.Value);
        Assert.Matches(@"^\d+ other types: count=\d+, size=", lines[^1]);

        string[] progress = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, progress.Length);
        Assert.Equal($"Capturing the heap of process {child.Id}...", progress[0]);
        Assert.Matches(@"^Captured \d+ objects \(\d+\.\d MiB\) in \d+\.\d s; computing retained sizes\.\.\.$", progress[1]);
    }

    [Fact]
    public void AProcessThatIsNotDotnetIsOneLineAndExitCodeOne()
    {
        using WaitingChild sleep = WaitingChild.Start("sleep", ["30"], readyLine: null);
        var clock = Stopwatch.StartNew();
        CliRun run = CliRun.Of("heap", sleep.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        string[] lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"memtrack: no .NET process with diagnostics at pid {sleep.Id}: Unable to connect to Process {sleep.Id}. Is it a running .NET process", lines[1], StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public void APidThatDoesNotExistIsOneLineAndExitCodeOne()
    {
        CliRun run = CliRun.Of("heap", int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"memtrack: no .NET process with diagnostics at pid {int.MaxValue}: Process {int.MaxValue} is not running. Is it a running .NET process of this user, with diagnostics enabled (DOTNET_EnableDiagnostics unset or 1) and the same TMPDIR?", run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim());
    }

    [Theory]
    [InlineData("0", "memtrack: pid must be a positive process id.")]
    [InlineData("-5", "memtrack: pid must be a positive process id.")]
    [InlineData("abc", "memtrack: Cannot parse argument 'abc' for command 'heap' as expected type 'System.Int32'.")]
    public void APidThatIsNotAPositiveNumberIsAUsageError(string pid, string message)
    {
        CliRun run = CliRun.Of("heap", pid);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(message, run.ErrorLine);
    }

    [Theory]
    [InlineData("--timeout", "0", "memtrack: --timeout must be from 1 to 3600.")]
    [InlineData("--buffer-mb", "8", "memtrack: --buffer-mb must be from 16 to 16384.")]
    public void AnOptionOutOfRangeIsAUsageError(string option, string value, string message)
    {
        CliRun run = CliRun.Of("heap", "12345", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(message, run.ErrorLine);
    }

    [GeneratedRegex(@"#\d+: System\.Byte\[\]: count=(\d+), size=")]
    private static partial Regex ByteArrays();
}
