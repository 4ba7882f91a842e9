namespace MemTrack.Benchmarks;

/// <summary>Starts and stops the process-wide tracer for a benchmark, with checks that it really is in the wanted state.</summary>
internal static class TracerModes
{
    /// <summary>Stops the tracer and checks it is off (for an untraced baseline).</summary>
    public static void StopForBaseline()
    {
        MemTracker.Stop();
        RequireUntraced();
    }

    /// <summary>Cheap guard (a volatile read): a leaked tracer would silently turn the baseline into a traced run.</summary>
    public static void RequireUntraced()
    {
        if (MemTracker.IsTracing)
        {
            throw new InvalidOperationException("The tracer is on during the untraced baseline.");
        }
    }

    /// <summary>(Re)starts the tracer at <paramref name="depth"/> with or without live tracking, and checks its options.</summary>
    public static void StartTracing(int depth, bool trackLiveObjects)
    {
        MemTracker.Stop();
        MemTracker.Start(new MemTrackerOptions { Depth = depth, TrackLiveObjects = trackLiveObjects });
        if (MemTracker.Options is not { } options || options.Depth != depth || options.TrackLiveObjects != trackLiveObjects)
        {
            throw new InvalidOperationException($"Tracing with {MemTracker.Options}, expected depth {depth}, TrackLiveObjects = {trackLiveObjects}.");
        }
    }

    /// <summary>
    /// When tracing, takes a snapshot and prints one line that proves the tracer sampled during the measured runs
    /// (BenchmarkDotNet shows it in its log), then stops the tracer.
    /// </summary>
    public static void PrintCheckAndStop(string workload)
    {
        if (MemTracker.IsTracing)
        {
            Snapshot snapshot = MemTracker.TakeSnapshot();
            Console.WriteLine(
                $"// MemTrack check: {workload}, depth {snapshot.TracebackLimit}, live tracking {(snapshot.HasLiveData ? "on" : "off")}, " +
                $"{snapshot.Traces.Count} traces, {snapshot.Traces.Sum(t => t.SampleCount)} samples, estimated " +
                $"{snapshot.Traces.Sum(t => t.Size) / 1e6:F0} MB of {snapshot.ExactAllocatedBytes / 1e6:F0} MB allocated, " +
                $"{snapshot.LostEvents} lost events, tracer memory {MemTracker.GetTracerMemory() / 1e6:F2} MB");
        }

        MemTracker.Stop();
    }
}
