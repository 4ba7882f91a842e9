using System.Diagnostics;
using System.Globalization;

namespace MemTrack.Benchmarks;

/// <summary>
/// <c>--heap-capture [objects...]</c> (default 100000 1000000 5000000): for each size, a child process builds a heap
/// of that many linked objects, captures it with <see cref="HeapSnapshot.Capture()"/> and analyses it (type
/// statistics with retained sizes, which computes the dominator tree, and one path to a root). Prints capture and
/// analysis times, objects per second, the managed memory the analysed snapshot holds per object, and the peak RSS
/// the capture added per object (EventPipe buffer and transient arrays included).
/// </summary>
internal static class HeapCaptureMode
{
    public const string Switch = "--heap-capture";
    private const string ChildSwitch = "--heap-capture-child";

    public static int Run(string[] args)
    {
        int[] sizes = args.Length > 1 ? [.. args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [100_000, 1_000_000, 5_000_000];
        Console.WriteLine("| Heap objects | Captured objects | Capture (ms) | Analysis (ms) | Total (ms) | Objects/s | Snapshot bytes/object | Peak RSS added/object |");
        Console.WriteLine("|-------------:|-----------------:|-------------:|--------------:|-----------:|----------:|----------------------:|----------------------:|");
        int failures = 0;
        foreach (int size in sizes)
        {
            if (!SelfChild.PrintRow($"{size:N0}", TimeSpan.FromMinutes(5), ChildSwitch, size.ToString(CultureInfo.InvariantCulture)))
            {
                failures++;
            }
        }

        return failures == 0 ? 0 : 1;
    }

    public static bool IsChild(string[] args) => args.Length > 1 && args[0] == ChildSwitch;

    public static int RunChild(string[] args)
    {
        int size = int.Parse(args[1], CultureInfo.InvariantCulture);
        LinkedHeap.Build(size);
        long managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        long rssBefore = Environment.WorkingSet;
        var clock = Stopwatch.StartNew();
        HeapSnapshot heap = HeapSnapshot.Capture();
        double capture = clock.Elapsed.TotalMilliseconds;
        IReadOnlyList<TypeStatistic> types = heap.TypeStatistics();
        RootPath? path = heap.FindPathToRoot(heap.ObjectsOfType(typeof(LinkedHeap.Node))[size / 2]);
        double total = clock.Elapsed.TotalMilliseconds;
        long managedAfter = GC.GetTotalMemory(forceFullCollection: true);
        long peakRss = Machine.PeakResidentBytes();
        GC.KeepAlive(types);
        GC.KeepAlive(path);
        GC.KeepAlive(heap);
        double perObject = (double)(managedAfter - managedBefore) / heap.ObjectCount;
        double rssPerObject = peakRss > 0 ? (double)(peakRss - rssBefore) / heap.ObjectCount : double.NaN;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {size:N0} | {heap.ObjectCount:N0} | {capture:0} | {total - capture:0} | {total:0} | {heap.ObjectCount / (total / 1000):N0} | {perObject:0} | {rssPerObject:0} |"));
        LinkedHeap.Release();
        return 0;
    }
}
