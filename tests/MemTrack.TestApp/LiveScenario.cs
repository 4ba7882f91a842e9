using System.Globalization;
using System.Runtime;
using System.Runtime.CompilerServices;
using MemTrack;

/// <summary>
/// Live tracking under whatever GC the environment selects (server, non-concurrent, segments): prints key=value
/// facts for the test to check, one per line.
/// </summary>
internal static class LiveScenario
{
    private static readonly object?[] Sink = new object?[16];
    private static List<byte[]> s_kept = [];

    public static int Run()
    {
        MemTracker.Start(3);

        // Kept objects survive gen0, gen1 and compacting gen2 GCs with garbage in between.
        Keep(10_000);
        GC.Collect(0);
        Churn(20_000_000);
        GC.Collect(1);
        Churn(20_000_000);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Trace kept = Site(MemTracker.TakeSnapshot(), nameof(Keep));
        Print("kept-samples", kept.SampleCount);
        Print("kept-live-samples", kept.LiveSampleCount);
        s_kept = [];
        Print("dropped-live-samples", Site(MemTracker.TakeSnapshot(collect: true), nameof(Keep)).LiveSampleCount);

        // A leak next to ten times as much garbage.
        var cache = new List<byte[]>(20_000);
        Snapshot before = MemTracker.TakeSnapshot(collect: true);
        long start = GC.GetAllocatedBytesForCurrentThread();
        Leak(cache, 20_000);
        long exactLeak = GC.GetAllocatedBytesForCurrentThread() - start;
        Churn(10 * exactLeak);
        Snapshot after = MemTracker.TakeSnapshot(collect: true);
        GC.KeepAlive(cache);
        IReadOnlyList<StatisticDiff> live = after.CompareTo(before, KeyType.Method);
        Print("top-live-method", live[0].Traceback.Count > 0 ? live[0].Traceback[0].Method : "<unknown>");
        Print("leak-estimate", live[0].SizeDiff);
        Print("leak-exact", exactLeak);
        Print("churn-live", live.Where(IsChurn).Sum(d => d.SizeDiff));
        Print("churn-allocated", after.CompareTo(before, KeyType.Method, kind: MemoryKind.Allocated).Where(IsChurn).Sum(d => d.SizeDiff));
        Print("server-gc", GCSettings.IsServerGC);
        Print("lost-events", after.LostEvents);
        MemTracker.Stop();
        return 0;
    }

    // A sample with no managed frame has an empty traceback (statistics show it as <unknown>).
    private static bool IsChurn(StatisticDiff diff) =>
        diff.Traceback.Count > 0 && diff.Traceback[0].Method.EndsWith(nameof(Churn), StringComparison.Ordinal);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Keep(int count)
    {
        var list = new List<byte[]>(count);
        for (int i = 0; i < count; i++)
        {
            list.Add(new byte[1000]);
        }

        s_kept = list;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Leak(List<byte[]> cache, int count)
    {
        for (int i = 0; i < count; i++)
        {
            cache.Add(new byte[1000]);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Churn(long bytes)
    {
        for (long done = 0; done < bytes; done += 1024)
        {
            Sink[(int)(done >> 10) & 15] = new byte[1000];
        }

        Array.Clear(Sink);
    }

    private static Trace Site(Snapshot snapshot, string method) =>
        snapshot.Traces.Single(t => t.Traceback.Count > 0 && t.Traceback[0].Method.EndsWith(method, StringComparison.Ordinal) && t.TypeName == "System.Byte[]");

    private static void Print(string key, object value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key}={value}"));
}
