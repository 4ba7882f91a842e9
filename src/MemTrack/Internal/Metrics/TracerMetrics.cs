using System.Diagnostics.Metrics;
using MemTrack.Internal.Diagnostics;

namespace MemTrack.Internal.Metrics;

/// <summary>
/// The instruments of the <see cref="MemTracker.MeterName"/> meter, read by dotnet-counters and OpenTelemetry. They
/// observe the running tracer without a barrier (values are at most a few hundred milliseconds old) and carry no tags,
/// so their cardinality is fixed. Counters add up over every tracing period of the process.
/// </summary>
internal static class TracerMetrics
{
    private static readonly Meter Meter = new(MemTracker.MeterName, typeof(TracerMetrics).Assembly.GetName().Version?.ToString());
    private static readonly Lock Gate = new();
    private static Tracer? s_measured;
    private static long s_pastAllocatedBytes;
    private static long s_pastSamples;
    private static long s_pastLostEvents;

    static TracerMetrics()
    {
        Meter.CreateObservableGauge(
            "memtrack.traced.live",
            () => Guarded("memtrack.traced.live", () => Observe(t => t.Options.TrackLiveObjects ? t.LiveBytes : null)),
            unit: "By",
            description: "Estimated bytes of traced objects still alive (sampled; see the snapshot margins for the uncertainty).");
        Meter.CreateObservableCounter(
            "memtrack.allocated",
            () => Guarded("memtrack.allocated", () => [Total(ref s_pastAllocatedBytes, t => t.AllocatedSinceStart)]),
            unit: "By",
            description: "Bytes the process allocated while tracing was on (GC.GetTotalAllocatedBytes, exact to the last allocation context).");
        Meter.CreateObservableCounter(
            "memtrack.samples",
            () => Guarded("memtrack.samples", () => [Total(ref s_pastSamples, t => t.Samples)]),
            unit: "{sample}",
            description: "Allocation samples the tracer received.");
        Meter.CreateObservableCounter(
            "memtrack.lost_events",
            () => Guarded("memtrack.lost_events", () => [Total(ref s_pastLostEvents, t => t.LostEvents)]),
            unit: "{event}",
            description: "Events the runtime or the reader dropped; when it grows, estimates are too low.");
        Meter.CreateObservableGauge(
            "memtrack.tracer.memory",
            () => Guarded("memtrack.tracer.memory", () => Observe(t => t.TracerMemory)),
            unit: "By",
            description: "Estimated bytes of managed memory the tracer itself holds.");
    }

    /// <summary>Creates the instruments (once) and counts <paramref name="tracer"/> in the counters until it stops.</summary>
    public static void OnStarted(Tracer tracer)
    {
        lock (Gate)
        {
            s_measured = tracer;
        }
    }

    /// <summary>
    /// Moves the final numbers of a tracer that has stopped into the totals, in one step with forgetting it, so the
    /// counters never go back (a drop would read as a counter reset).
    /// </summary>
    public static void OnStopped(Tracer tracer)
    {
        lock (Gate)
        {
            if (s_measured == tracer)
            {
                s_pastAllocatedBytes += tracer.AllocatedSinceStart;
                s_pastSamples += tracer.Samples;
                s_pastLostEvents += tracer.LostEvents;
                s_measured = null;
            }
        }
    }

    /// <summary>
    /// Runs an instrument's callback so that it never throws into the collector (OpenTelemetry's or dotnet-counters'
    /// thread): a failure is reported (<see cref="BackgroundFaults.MetricsCallbackFailed"/>) and the instrument
    /// reports nothing that time.
    /// </summary>
    internal static Measurement<long>[] Guarded(string instrument, Func<Measurement<long>[]> observe)
    {
        try
        {
            return observe();
        }
        catch (Exception ex)
        {
            BackgroundFaults.MetricsCallbackFailed(instrument, ex);
            return [];
        }
    }

    private static Measurement<long>[] Observe(Func<Tracer, long?> read) =>
        MemTracker.Current is { } tracer && read(tracer) is long value ? [new Measurement<long>(value)] : [];

    private static Measurement<long> Total(ref long past, Func<Tracer, long> read)
    {
        lock (Gate)
        {
            return new(past + (s_measured is { } tracer ? read(tracer) : 0));
        }
    }
}
