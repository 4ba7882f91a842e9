using System.Diagnostics;
using MemTrack.Internal;
using MemTrack.Internal.Diagnostics;
using MemTrack.Internal.Reporting;
using MemTrack.Tests.TestSupport;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace MemTrack.Tests.Internal;

/// <summary>The tracer under faults of its session and its reader (docs/reliability.md's fault table).</summary>
[Collection(TracerCollection.Name)]
public sealed class TracerFaultTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [Trait("Category", "Slow")]
    [Fact]
    public void AnEventTheDecoderCannotReadIsCountedAndSkippedAndTracingGoesOn()
    {
        MemTracker.Stop();
        using var listener = new DiagnosticsListener();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 5 });
        long seen = 0;
        tracer.DecodeFault = data => data is AllocationSampledTraceData && Interlocked.Increment(ref seen) % 2 == 0;
        var values = Workloads.Run(5_000);
        Snapshot faulty = tracer.TakeSnapshot(collect: false);
        (long faults, TracerHealth health) = tracer.OnReader(() => (Interlocked.Read(ref seen) / 2, tracer.Health));
        tracer.DecodeFault = null;

        Assert.Equal(TracerState.Degraded, health.State);
        Assert.Equal(faults, health.DecodeErrors);
        Assert.True(health.DecodeErrors > 10, $"{health.DecodeErrors} decode errors");
        Assert.IsType<InvalidDataException>(health.Error);
        Assert.Contains("could not be decoded", health.Message, StringComparison.Ordinal);
        Assert.Contains("first: AllocationSampling: InvalidDataException", health.Message, StringComparison.Ordinal);
        // The snapshot counts the errors before its barrier (the reader's own samples after it fail too).
        Assert.InRange(faulty.LostEvents, 10, health.DecodeErrors);
        Assert.Contains(faulty.Traces, t => t.Traceback.Count > 0 && t.Traceback[0].LineNumber == Workloads.MyObject.DataLine);

        // Rate-limited: one event for the first error, not one per error.
        IReadOnlyList<IReadOnlyDictionary<string, object?>> logged = listener.Of(MemTrackDiagnostics.DecodeErrorId);
        Assert.Single(logged);
        Assert.Equal(1L, logged[0]["count"]);
        Assert.Equal("AllocationSampling", logged[0]["eventName"]);

        // The reader went on: later samples are decoded.
        long samples = tracer.Samples;
        var more = Workloads.Run(2_000);
        Snapshot later = tracer.TakeSnapshot(collect: false);
        Assert.True(tracer.Samples > samples, "no sample decoded after the faults");
        Assert.True(
            later.Traces.Sum(t => t.SampleCount) > faulty.Traces.Sum(t => t.SampleCount),
            "the snapshot after the faults has no more samples");
        GC.KeepAlive(values);
        GC.KeepAlive(more);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void AReaderThatFallsBehindLosesEventsAndEverySnapshotAndReportSaysSo()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 10, SessionBufferMB = 4 });
        long lostBefore = tracer.TakeSnapshot(collect: false).LostEvents;
        using var release = new ManualResetEventSlim();
        tracer.BlockReaderForTests(release);
        try
        {
            // A snapshot that cannot catch up gives up within its timeout, with a MemTrackException.
            var clock = Stopwatch.StartNew();
            MemTrackException behind = Assert.Throws<MemTrackException>(() => tracer.TakeReportSnapshot(TimeSpan.FromSeconds(1)));
            Assert.True(clock.Elapsed < Prompt, $"took {clock.Elapsed}");
            Assert.Contains("did not catch up", behind.Message, StringComparison.Ordinal);

            // Four threads allocate 2 GB in all (~20,000 samples with stacks, ~10 MB) while the reader is blocked: more than the 4 MB buffer holds.
            Parallel.For(0, 4, _ => Churn(512L << 20));
        }
        finally
        {
            release.Set();
        }

        // A gap is only counted when the thread's next event or the runtime's next sequence point reaches the reader:
        // allocate a little more on the pool's threads until it has (seen once: 7,592 of ~20,000 samples arrived and
        // the first snapshot counted no loss yet).
        Snapshot snapshot = tracer.TakeSnapshot(collect: false);
        var waiting = Stopwatch.StartNew();
        while (snapshot.LostEvents <= lostBefore && waiting.Elapsed < TimeSpan.FromSeconds(30))
        {
            Parallel.For(0, 4, _ => Churn(16L << 20));
            snapshot = tracer.TakeSnapshot(collect: false);
        }

        TracerHealth health = tracer.Health;

        Assert.True(snapshot.LostEvents > lostBefore, $"no event was lost while the reader was blocked ({lostBefore} before, {tracer.Samples} samples)");
        Assert.Equal(TracerState.Degraded, health.State);
        // A gap is counted when the thread's next event or the next sequence point arrives, so the count can still grow.
        Assert.True(health.LostEvents >= snapshot.LostEvents, $"health {health.LostEvents}, snapshot {snapshot.LostEvents}");
        Assert.Contains("events were lost", health.Message, StringComparison.Ordinal);
        Assert.Contains(" lost events", health.ToString(), StringComparison.Ordinal);
        string warning = $"WARNING: {snapshot.LostEvents} events were lost";
        Assert.Contains(warning, snapshot.ToString(), StringComparison.Ordinal);
        var report = new StringWriter();
        snapshot.WriteReport(report);
        Assert.Contains(warning, report.ToString(), StringComparison.Ordinal);
        var exitReport = new StringWriter();
        Assert.True(ExitReporter.Run(tracer, new ExitReportOptions { Writer = exitReport }, sessionEnding: false));
        Assert.Contains("events were lost", exitReport.ToString(), StringComparison.Ordinal);
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(false, MemTrackDiagnostics.ReaderFailedId)]
    [InlineData(true, MemTrackDiagnostics.SessionEndedId)]
    public void ASessionThatEndsUnderTheTracerFailsItAndRequestsThrowPromptly(bool cleanly, int loggedEventId)
    {
        MemTracker.Stop();
        using var listener = new DiagnosticsListener();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 3 });
        Assert.Equal(TracerState.Running, tracer.Health.State);

        tracer.EndSessionForTests(cleanly);

        var clock = Stopwatch.StartNew();
        MemTrackException error = Assert.ThrowsAny<MemTrackException>(() => tracer.TakeSnapshot(collect: false));
        Assert.True(clock.Elapsed < Prompt, $"TakeSnapshot took {clock.Elapsed}");
        Assert.Contains("MemTracker.Stop() and MemTracker.Start()", error.Message, StringComparison.Ordinal);
        clock.Restart();
        Assert.ThrowsAny<MemTrackException>(() => tracer.GetTracedMemory());
        Assert.True(clock.Elapsed < Prompt, $"GetTracedMemory took {clock.Elapsed}");

        // A clean end waits out a grace period (2 s) first: at process exit it is no failure.
        Assert.True(SpinWait.SpinUntil(() => tracer.Health.State == TracerState.Failed, TimeSpan.FromSeconds(10)), $"health: {tracer.Health}");
        TracerHealth health = tracer.Health;
        Assert.Contains("MemTracker.Stop() and MemTracker.Start()", health.Message, StringComparison.Ordinal);
        Assert.Equal(cleanly, health.Error is null);
        Assert.Single(listener.Of(loggedEventId));

        clock.Restart();
        tracer.Stop(TimeSpan.FromSeconds(2));
        Assert.True(clock.Elapsed < Prompt, $"Stop took {clock.Elapsed}");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TheEndOfTheSessionAtProcessExitIsNoFailure()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 3 });

        // As at exit: the exit handler says so, then the runtime ends the session.
        tracer.ExpectSessionEnd();
        tracer.EndSessionForTests(cleanly: true);
        Assert.True(tracer.TakeFinalSnapshot(TimeSpan.FromSeconds(10)).Snapshot.LostEvents == 0);

        // Longer than the 2 s grace after which an unexpected end counts as a failure.
        Assert.False(SpinWait.SpinUntil(() => tracer.Health.State == TracerState.Failed, TimeSpan.FromSeconds(3)), $"health: {tracer.Health}");
        Assert.Equal(TracerState.Running, tracer.Health.State);
    }

    /// <summary>Allocates <paramref name="bytes"/> in 8 KB arrays, kept only briefly.</summary>
    private static void Churn(long bytes)
    {
        var keep = new byte[64][];
        for (long done = 0, i = 0; done < bytes; done += 8192, i++)
        {
            keep[i % keep.Length] = new byte[8192];
        }

        GC.KeepAlive(keep);
    }
}
