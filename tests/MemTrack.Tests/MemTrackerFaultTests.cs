using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MemTrack.Internal.Diagnostics;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>
/// <see cref="MemTracker.Health"/>, <see cref="MemTracker.HealthChanged"/> and the faults of docs/reliability.md seen
/// through the public API: a session that cannot be opened (in child processes) or that ends under the tracer.
/// </summary>
[Collection(TracerCollection.Name)]
public sealed partial class MemTrackerFaultTests : IDisposable
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    public MemTrackerFaultTests() => MemTracker.Stop();

    public void Dispose() => MemTracker.Stop();

    public static TheoryData<string, string, string> Unavailable => new()
    {
        { "DOTNET_EnableDiagnostics", "0", "diagnostics are disabled (DOTNET_EnableDiagnostics=0). Unset DOTNET_EnableDiagnostics or set it to 1" },
        { "TMPDIR", "<unwritable>", "is not writable, so the runtime could not create its IPC socket there. Set TMPDIR to a writable directory" },
    };

    [Fact]
    public void HealthGoesOffRunningOffAndHealthChangedRaisesEachChangeOffTheCallingThread()
    {
        using var changes = new BlockingCollection<(TracerHealth Health, object? Sender, int Thread)>();
        EventHandler<TracerHealth> handler = (sender, health) => changes.Add((health, sender, Environment.CurrentManagedThreadId));
        MemTracker.HealthChanged += handler;
        try
        {
            Assert.Equal(TracerState.Off, MemTracker.Health.State);
            DateTimeOffset before = DateTimeOffset.Now;
            MemTracker.Start(3);
            TracerHealth running = MemTracker.Health;
            MemTracker.Stop();

            Assert.Equal(TracerState.Running, running.State);
            Assert.InRange(running.Since, before.AddSeconds(-1), DateTimeOffset.Now);
            Assert.Equal((0L, 0L, null), (running.LostEvents, running.DecodeErrors, running.Error));
            Assert.Equal(TracerState.Off, MemTracker.Health.State);
            Assert.Equal(running, Next(changes, TracerState.Running).Health);
            var off = Next(changes, TracerState.Off);
            Assert.Null(off.Sender);
            Assert.NotEqual(Environment.CurrentManagedThreadId, off.Thread);
            Assert.Same(MemTracker.Health, off.Health);
        }
        finally
        {
            MemTracker.HealthChanged -= handler;
        }
    }

    [Fact]
    public void AHealthChangedHandlerThatThrowsIsReportedAndTheOthersStillRun()
    {
        using var listener = new DiagnosticsListener();
        using var changes = new BlockingCollection<(TracerHealth Health, object? Sender, int Thread)>();
        EventHandler<TracerHealth> throwing = (_, _) => throw new InvalidOperationException("handler bug");
        EventHandler<TracerHealth> recording = (sender, health) => changes.Add((health, sender, Environment.CurrentManagedThreadId));
        MemTracker.HealthChanged += throwing;
        MemTracker.HealthChanged += recording;
        try
        {
            MemTracker.Start(3);
            MemTracker.Stop();

            _ = Next(changes, TracerState.Running);
            _ = Next(changes, TracerState.Off);
            Assert.Contains(listener.Of(MemTrackDiagnostics.HealthHandlerFailedId), e => Equals(e["error"], "InvalidOperationException: handler bug"));
        }
        finally
        {
            MemTracker.HealthChanged -= throwing;
            MemTracker.HealthChanged -= recording;
        }
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ASessionThatEndsUnderTheTracerFailsItThenStopAndStartWork(bool cleanly)
    {
        MemTracker.Start(3);
        MemTracker.Current!.EndSessionForTests(cleanly);

        Assert.True(SpinWait.SpinUntil(() => MemTracker.Health.State == TracerState.Failed, EventTimeout), $"health: {MemTracker.Health}");
        Assert.True(MemTracker.IsTracing);
        var clock = Stopwatch.StartNew();
        Assert.ThrowsAny<MemTrackException>(() => MemTracker.TakeSnapshot());
        Assert.ThrowsAny<MemTrackException>(() => MemTracker.GetTracedMemory());
        Assert.True(clock.Elapsed < Prompt, $"the requests took {clock.Elapsed}");

        clock.Restart();
        MemTracker.Stop();
        Assert.True(clock.Elapsed < Prompt, $"Stop took {clock.Elapsed}");
        Assert.Equal(TracerState.Off, MemTracker.Health.State);

        MemTracker.Start(3);
        var values = Workloads.Run(2_000);
        Snapshot snapshot = MemTracker.TakeSnapshot();
        GC.KeepAlive(values);
        Assert.Equal(TracerState.Running, MemTracker.Health.State);
        Assert.Contains(snapshot.Traces, t => t.Traceback.Count > 0 && t.Traceback[0].LineNumber == Workloads.MyObject.DataLine);
    }

    [UnixTheory]
    [MemberData(nameof(Unavailable))]
    public void WithoutAReachableDiagnosticsServerStartFailsWithinSecondsSayingWhyAndHow(string variable, string value, string why)
    {
        var (exitCode, output, _) = TestApp.Run("start", ChildEnvironment(variable, value));

        Assert.Equal(3, exitCode);
        Assert.Contains("DiagnosticsUnavailableException after ", output, StringComparison.Ordinal);
        Assert.Contains(why, output, StringComparison.Ordinal);
        Assert.Contains("MemTrackerOptions.AllowDegradedMode", output, StringComparison.Ordinal);

        // The socket is simply absent: no wait for the 10 s connect timeout (measured here: 60-70 ms).
        int milliseconds = int.Parse(AfterMilliseconds().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(milliseconds < 3_000, $"Start took {milliseconds} ms to fail");
    }

    [UnixTheory]
    [MemberData(nameof(Unavailable))]
    public void InDegradedModeStartSucceedsAndSnapshotsAndTheExitReportCarryExactTotalsOnly(string variable, string value, string why)
    {
        var (exitCode, output, _) = TestApp.Run("degraded", ChildEnvironment(variable, value));

        Assert.True(exitCode == 0, output);
        Match facts = DegradedFacts().Match(output);
        Assert.True(facts.Success, output);
        Assert.True(long.Parse(facts.Groups[1].Value, CultureInfo.InvariantCulture) >= 1_000_000, output);
        Assert.Contains("error=DiagnosticsUnavailableException", output, StringComparison.Ordinal);
        Assert.Contains("health: Degraded since ", output, StringComparison.Ordinal);
        Assert.Contains("MemTrack runs in degraded mode (MemTrackerOptions.AllowDegradedMode)", output, StringComparison.Ordinal);
        Assert.Contains(why, output, StringComparison.Ordinal);
        Assert.Contains("snapshot: Snapshot of ", output, StringComparison.Ordinal);
        Assert.Contains("; WARNING: taken in degraded mode", output, StringComparison.Ordinal);
        Assert.Contains("traced memory: MemTrackException", output, StringComparison.Ordinal);

        // The exit report, written to standard output at exit.
        Assert.Contains("MemTrack report of ", output, StringComparison.Ordinal);
        Assert.Contains("WARNING: taken in degraded mode (the tracing session could not be opened; see MemTracker.Health): only the exact allocated total was measured, no allocation sites.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("the exit report failed", output, StringComparison.Ordinal);
    }

    private static (TracerHealth Health, object? Sender, int Thread) Next(BlockingCollection<(TracerHealth Health, object? Sender, int Thread)> changes, TracerState state)
    {
        var clock = Stopwatch.StartNew();
        while (changes.TryTake(out var change, EventTimeout - clock.Elapsed > TimeSpan.Zero ? EventTimeout - clock.Elapsed : TimeSpan.Zero))
        {
            if (change.Health.State == state)
            {
                return change;
            }
        }

        Assert.Fail($"HealthChanged did not raise {state} within {EventTimeout.TotalSeconds} s");
        return default;
    }

    private static Dictionary<string, string> ChildEnvironment(string variable, string value) =>
        new() { [variable] = value == "<unwritable>" && !OperatingSystem.IsWindows() ? UnwritableDirectory() : value };

    /// <summary>A directory this user cannot create files in: a read-only one of our own, or /proc when the user is root.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string UnwritableDirectory()
    {
        string directory = Directory.CreateTempSubdirectory("memtrack-readonly-").FullName;
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            File.WriteAllText(Path.Combine(directory, "probe"), "root ignores file modes");
            return "/proc";
        }
        catch (UnauthorizedAccessException)
        {
            return directory;
        }
    }

    [GeneratedRegex(@"DiagnosticsUnavailableException after (\d+) ms")]
    private static partial Regex AfterMilliseconds();

    [GeneratedRegex(@"state=Degraded tracing=True degraded=True traces=0 live=False exact=(\d+) kept=10")]
    private static partial Regex DegradedFacts();
}
