using MemTrack.Internal.Diagnostics;

namespace MemTrack.Tests.Internal.Diagnostics;

public sealed class HealthMonitorTests
{
    private static readonly TimeSpan Never = TimeSpan.FromDays(1);

    [Fact]
    public void StartsRunningOrDegradedWithTheReason()
    {
        var running = new HealthMonitor();
        running.Begin();
        var degraded = new HealthMonitor();
        var cause = new DiagnosticsUnavailableException("no socket.");
        degraded.Begin("no socket.", cause);

        Assert.Equal((TracerState.Running, "Tracing runs; no event was lost.", null), (running.Current.State, running.Current.Message, running.Current.Error));
        Assert.Equal(TracerState.Degraded, degraded.Current.State);
        Assert.Same(cause, degraded.Current.Error);
        Assert.EndsWith("because it could not open its tracing session. no socket.", degraded.Current.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LostEventsDegradeItOnceAndOnlyGrow()
    {
        var health = new HealthMonitor();
        health.Begin();
        DateTimeOffset runningSince = health.Current.Since;

        Assert.True(health.OnLostEvents(5, Never));
        TracerHealth first = health.Current;
        Assert.False(health.OnLostEvents(5, Never)); // no change
        Assert.False(health.OnLostEvents(3, Never)); // never backwards
        Assert.False(health.OnLostEvents(9, Never)); // logged once per interval
        TracerHealth later = health.Current;

        Assert.Equal((TracerState.Degraded, 5L), (first.State, first.LostEvents));
        Assert.True(first.Since >= runningSince);
        Assert.StartsWith("5 events were lost", first.Message, StringComparison.Ordinal);
        Assert.Equal((TracerState.Degraded, 9L, first.Since), (later.State, later.LostEvents, later.Since));
        Assert.True(health.OnLostEvents(10, TimeSpan.Zero));
    }

    [Fact]
    public void DecodeErrorsAreCountedWithTheFirstNamedAndLoggedOncePerInterval()
    {
        var health = new HealthMonitor();
        health.Begin();
        var first = new FormatException("bad payload");

        (long count, bool log) = health.OnDecodeError("GCStart", first, Never);
        (long count2, bool log2) = health.OnDecodeError("AllocationSampling", new InvalidDataException("other"), Never);

        Assert.Equal((1L, true, 2L, false), (count, log, count2, log2));
        Assert.Equal((TracerState.Degraded, 2L), (health.Current.State, health.Current.DecodeErrors));
        Assert.Same(first, health.Current.Error);
        Assert.Contains("2 events could not be decoded and were skipped (first: GCStart: FormatException: bad payload)", health.Current.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailureWinsAndKeepsItsFirstCauseAndTheCounts()
    {
        var health = new HealthMonitor();
        health.Begin();
        _ = health.OnLostEvents(4, Never);
        var cause = new IOException("broken pipe");

        Assert.True(health.OnFailed("The reader failed.", cause));
        Assert.False(health.OnFailed("Another failure.", new IOException("later")));
        _ = health.OnLostEvents(6, Never);

        Assert.Equal((TracerState.Failed, "The reader failed.", 6L), (health.Current.State, health.Current.Message, health.Current.LostEvents));
        Assert.Same(cause, health.Current.Error);
    }

    [Fact]
    public void AfterCloseReportsAreIgnored()
    {
        var health = new HealthMonitor();
        health.Begin();
        health.Close();

        Assert.False(health.OnFailed("too late", null));
        Assert.False(health.OnLostEvents(3, Never));
        Assert.Equal((0L, false), health.OnDecodeError("GCStart", new FormatException(), Never));
        Assert.Equal(TracerState.Running, health.Current.State);
    }

    [Fact]
    public void OffSaysHowToStart()
    {
        TracerHealth off = HealthMonitor.Off(DateTimeOffset.UnixEpoch);

        Assert.Equal((TracerState.Off, 0L, 0L, DateTimeOffset.UnixEpoch), (off.State, off.LostEvents, off.DecodeErrors, off.Since));
        Assert.Contains("MemTracker.Start()", off.Message, StringComparison.Ordinal);
    }
}
