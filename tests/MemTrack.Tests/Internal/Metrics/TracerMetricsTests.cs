using System.Diagnostics.Metrics;
using MemTrack.Internal.Diagnostics;
using MemTrack.Internal.Metrics;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests.Internal.Metrics;

[Collection(TracerCollection.Name)]
public sealed class TracerMetricsTests
{
    [Fact]
    public void TheMeterPublishesTheTracersNumbersWithoutTags()
    {
        MemTracker.Stop();
        MemTracker.Start(new MemTrackerOptions { Depth = 2 });
        try
        {
            var values = Workloads.Arrays(200, 50_000); // 10 MB: about 100 samples
            _ = MemTracker.TakeSnapshot(); // the reader has read the samples
            Dictionary<string, (long Value, int Tags)> tracing = Record();
            GC.KeepAlive(values);

            Assert.Equal(["memtrack.allocated", "memtrack.lost_events", "memtrack.samples", "memtrack.traced.live", "memtrack.tracer.memory"], tracing.Keys.Order());
            Assert.All(tracing.Values, v => Assert.Equal(0, v.Tags));
            Assert.True(tracing["memtrack.allocated"].Value >= 10_000_000, $"allocated {tracing["memtrack.allocated"].Value}");
            Assert.True(tracing["memtrack.samples"].Value >= 20, $"samples {tracing["memtrack.samples"].Value}");
            Assert.True(tracing["memtrack.traced.live"].Value >= 2_000_000, $"live {tracing["memtrack.traced.live"].Value}");
            Assert.True(tracing["memtrack.tracer.memory"].Value > 0);

            MemTracker.Stop();
            Dictionary<string, (long Value, int Tags)> stopped = Record();

            // Gauges vanish with the tracer; counters keep their totals, so they never go back.
            Assert.Equal(["memtrack.allocated", "memtrack.lost_events", "memtrack.samples"], stopped.Keys.Order());
            Assert.True(stopped["memtrack.allocated"].Value >= tracing["memtrack.allocated"].Value);
            Assert.True(stopped["memtrack.samples"].Value >= tracing["memtrack.samples"].Value);
        }
        finally
        {
            MemTracker.Stop();
        }
    }

    [Fact]
    public void CountersNeverGoBackWhileATracerStops()
    {
        MemTracker.Stop();
        MemTracker.Start(new MemTrackerOptions { Depth = 1 });
        var values = Workloads.Arrays(100, 50_000);
        _ = MemTracker.TakeSnapshot();
        var readings = new List<(long Allocated, long Samples)>();
        var failures = new List<string>(); // the reader's: an assertion on a raw thread would crash the test host
        using var firstReading = new ManualResetEventSlim();
        using var stopped = new ManualResetEventSlim();
        var reader = new Thread(() =>
        {
            try
            {
                // Read until the stop is over, then once more: at least one reading before the stop and one after it.
                do
                {
                    Read();
                    firstReading.Set();
                }
                while (!stopped.Wait(0));
                Read();
            }
            catch (Exception e)
            {
                failures.Add(e.ToString());
            }
            finally
            {
                firstReading.Set();
            }
        })
        { IsBackground = true, Name = "metrics reader" };
        reader.Start();
        bool readWhileTracing;
        try
        {
            readWhileTracing = firstReading.Wait(TimeSpan.FromSeconds(30));
        }
        finally
        {
            MemTracker.Stop();
            stopped.Set();
        }

        Assert.True(reader.Join(TimeSpan.FromSeconds(30)), "the metrics reader did not finish");
        GC.KeepAlive(values);

        Assert.True(readWhileTracing, "the metrics reader did not read while the tracer ran");
        Assert.Empty(failures);
        Assert.True(readings.Count >= 2, $"{readings.Count} readings");
        for (int i = 1; i < readings.Count; i++)
        {
            Assert.True(readings[i].Allocated >= readings[i - 1].Allocated, $"allocated went back at reading {i}: {readings[i - 1].Allocated} -> {readings[i].Allocated}");
            Assert.True(readings[i].Samples >= readings[i - 1].Samples, $"samples went back at reading {i}: {readings[i - 1].Samples} -> {readings[i].Samples}");
        }

        void Read()
        {
            Dictionary<string, (long Value, int Tags)> seen = Record();
            if (seen.TryGetValue("memtrack.allocated", out var allocated) && seen.TryGetValue("memtrack.samples", out var samples))
            {
                readings.Add((allocated.Value, samples.Value));
            }
            else
            {
                failures.Add($"reading {readings.Count + 1} lacks a counter: {string.Join(", ", seen.Keys)}");
            }
        }
    }

    [Fact]
    public void WithoutLiveTrackingThereIsNoLiveGauge()
    {
        MemTracker.Stop();
        MemTracker.Start(new MemTrackerOptions { TrackLiveObjects = false });
        try
        {
            Assert.DoesNotContain("memtrack.traced.live", Record().Keys);
        }
        finally
        {
            MemTracker.Stop();
        }
    }

    private static Dictionary<string, (long Value, int Tags)> Record()
    {
        var seen = new Dictionary<string, (long, int)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MemTracker.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => seen[instrument.Name] = (value, tags.Length));
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }

    [Fact]
    public void ACallbackThatThrowsReportsNothingAndTellsTheEventSource()
    {
        using var listener = new DiagnosticsListener();
        string marker = Guid.NewGuid().ToString("N");

        Measurement<long>[] measured = TracerMetrics.Guarded("memtrack.test", () => throw new InvalidOperationException(marker));

        Assert.Empty(measured);
        Assert.Contains(listener.Of(MemTrackDiagnostics.MetricsCallbackFailedId), e => Equals(e["instrument"], "memtrack.test") && Equals(e["error"], "InvalidOperationException: " + marker));
        Assert.Equal([new Measurement<long>(7)], TracerMetrics.Guarded("memtrack.test", () => [new Measurement<long>(7)]));
    }
}
