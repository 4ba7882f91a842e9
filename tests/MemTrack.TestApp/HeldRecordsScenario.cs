using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using MemTrack;

/// <summary>
/// Records leaked on four threads into a concurrent dictionary, nothing dropped, under whatever GC the environment
/// selects: every sample of the leaking line must be live. Prints one line per round:
/// "round N samples=S live=L live-bytes=B exact=E".
/// </summary>
internal static class HeldRecordsScenario
{
    private const int Threads = 4;
    private const long Bytes = 100_000_000;
    private static readonly ConcurrentDictionary<long, object> Cache = new();

    public static int Run()
    {
        for (int round = 1; round <= 3; round++)
        {
            MemTracker.Start();
            long exact = Leak();
            GC.Collect();
            Snapshot snapshot = MemTracker.TakeSnapshot();
            Trace[] traces = [.. snapshot.Traces.Where(t => t.TypeName == typeof(Node).ToString())];
            MemTracker.Stop();
            Cache.Clear();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"round {round} samples={traces.Sum(t => t.SampleCount)} live={traces.Sum(t => t.LiveSampleCount)} live-bytes={traces.Sum(t => t.LiveSize)} exact={exact} lost={snapshot.LostEvents}"));
        }

        return 0;
    }

    private static long Leak()
    {
        long exact = 0;
        Thread[] threads = [.. Enumerable.Range(0, Threads).Select(t => new Thread(() => Interlocked.Add(ref exact, LeakOnThisThread((long)t << 40))))];
        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => t.Join());
        return exact;
    }

    /// <summary>Leaks about a quarter of <see cref="Bytes"/> of small records; returns their exact size.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long LeakOnThisThread(long firstKey)
    {
        long bytes = 0;
        for (long key = firstKey; bytes < Bytes / Threads; key++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var node = new Node(key, key, key, null);
            bytes += GC.GetAllocatedBytesForCurrentThread() - before;
            Cache[key] = node;
        }

        return bytes;
    }

    private sealed record Node(long A, long B, long C, Node? Next);
}
