using System.Globalization;
using MemTrack;
using MemTrack.Demo;

// Part 1, the tracemalloc article in C#:
//   tracemalloc.start(10); time1 = take_snapshot(); x = waste_memory.run(); time2 = take_snapshot()
//   stats = time2.compare_to(time1, 'lineno'); print top 3; then the traceback of the biggest offender.
// Part 2, a leak hunt: a request loop that makes much garbage on one line and leaks a little on another; the live
// view (tracemalloc's) ranks the leak first, the allocation view ranks the garbage first.
// Part 3, the leak under the heap inspectors (objgraph, pympler, heapy): exact growth by type between two heap
// captures, the chain of references that keeps one leaked object alive, its retained size, and where it was allocated.
// With "--flamegraph <file>" it also writes an SVG flame graph of everything allocated while tracing.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string? flameGraph = args is ["--flamegraph", string file] ? file : null;
MemTracker.Start(depth: 10);
WasteMemoryArticle(lists: 20_000); // 20,000 lists of 100 objects: 2 million objects, as in the benchmarks
Console.WriteLine();
LeakHunt(requests: 20_000);
if (flameGraph is not null)
{
    MemTracker.TakeSnapshot().Export(flameGraph, ExportFormat.FlameGraph, MemoryKind.Allocated);
    Console.WriteLine();
    Console.WriteLine($"Flame graph of every allocation while tracing: {flameGraph}");
}

MemTracker.Stop();

static void WasteMemoryArticle(int lists)
{
    Snapshot time1 = MemTracker.TakeSnapshot();
    long exactBefore = GC.GetAllocatedBytesForCurrentThread();
    List<List<MyObject>> x = WasteMemory.Run(lists);
    long exact = GC.GetAllocatedBytesForCurrentThread() - exactBefore;
    Snapshot time2 = MemTracker.TakeSnapshot();

    Console.WriteLine("Top 3 lines (compare_to 'lineno'):");
    foreach (StatisticDiff stat in time2.CompareTo(time1, KeyType.LineNo).Take(3))
    {
        Console.WriteLine(stat);
    }

    Console.WriteLine();
    StatisticDiff top = time2.CompareTo(time1, KeyType.Traceback)[0];
    Console.WriteLine("Biggest offender is:");
    Console.WriteLine(string.Join(Environment.NewLine, top.Traceback.Format(mostRecentFirst: false)));

    Console.WriteLine();
    long estimated = time2.Traces.Where(t => t.Traceback.Any(f => f.Module == "MemTrack.Demo.dll")).Sum(t => t.Size);
    Console.WriteLine($"Estimated bytes of the demo's lines: {estimated:N0}; exact bytes allocated by WasteMemory.Run: {exact:N0} ({100.0 * (estimated - exact) / exact:+0.0;-0.0}%).");
    Console.WriteLine($"Tracer memory: {MemTracker.GetTracerMemory():N0} bytes; lost events: {time2.LostEvents}.");
    GC.KeepAlive(x);
}

static void LeakHunt(int requests)
{
    // collect: true runs full GCs first, so garbage not yet collected does not count as live.
    Console.WriteLine($"Leak hunt: {requests:N0} requests between two snapshots (compare_to 'lineno')");
    HeapSnapshot heapBefore = HeapSnapshot.Capture(); // before the first snapshot, so its own memory is not growth
    Snapshot before = MemTracker.TakeSnapshot(collect: true);
    for (int request = 0; request < requests; request++)
    {
        RequestHandler.Handle(request);
    }

    Snapshot after = MemTracker.TakeSnapshot(collect: true);
    IReadOnlyList<StatisticDiff> live = after.CompareTo(before, KeyType.LineNo);
    IReadOnlyList<StatisticDiff> allocated = after.CompareTo(before, KeyType.LineNo, kind: MemoryKind.Allocated);
    Console.WriteLine("Top 3 lines by live growth (what is still held):");
    foreach (StatisticDiff stat in live.Take(3))
    {
        Console.WriteLine(stat);
    }

    Console.WriteLine();
    Console.WriteLine("Side by side, the handler's lines:");
    Console.WriteLine($"{"line",-24} {"allocated in between",22} {"still live",22}");
    foreach (StatisticDiff stat in allocated.Where(s => s.Traceback.Count > 0 && s.Traceback[0].FileName?.EndsWith("RequestHandler.cs", StringComparison.Ordinal) == true))
    {
        StatisticDiff? held = live.FirstOrDefault(l => l.Traceback.Equals(stat.Traceback));
        string line = Path.GetFileName(stat.Traceback[0].FileName) + ":" + stat.Traceback[0].LineNumber;
        Console.WriteLine($"{line,-24} {Growth(stat),22} {(held is null ? "+0 B" : Growth(held)),22}");
    }

    TracedMemory traced = MemTracker.GetTracedMemory();
    Console.WriteLine();
    Console.WriteLine($"Traced live memory (estimates): current {traced.Current / 1048576.0:0.0} MiB, peak {traced.Peak / 1048576.0:0.0} MiB. Last response: {RequestHandler.LastResponseLength} B.");

    Console.WriteLine();
    HeapInspection(heapBefore, HeapSnapshot.Capture());
}

static void HeapInspection(HeapSnapshot before, HeapSnapshot after)
{
    Console.WriteLine($"Heap inspection, exact ({after.ObjectCount:N0} objects captured in {after.CaptureDuration.TotalMilliseconds:0} ms):");
    Console.WriteLine("Growth by type (objgraph.show_growth):");
    foreach (TypeStatisticDiff growth in after.CompareTo(before).Take(6))
    {
        Console.WriteLine("  " + growth);
    }

    string sessionType = typeof(Session).FullName!;
    HeapObject leaked = after.ObjectsOfType(sessionType)[^1];
    Console.WriteLine();
    Console.WriteLine($"What holds one leaked session (objgraph.find_backref_chain):");
    Console.Write(after.FindPathToRoot(leaked));
    Console.WriteLine($"Retained size (heapy domisize): this session {after.RetainedSize(leaked):N0} B; all sessions {after.TypeStatistics().Single(t => t.TypeName == sessionType).RetainedSize / 1048576.0:0.0} MiB.");

    Console.WriteLine();
    Console.WriteLine($"Where the live sessions were allocated (the heap capture joined to the tracer's samples; exact count {after.ObjectsOfType(sessionType).Count:N0}):");
    foreach (HeapAllocationSite site in after.AllocationSites(sessionType).Take(2))
    {
        Console.WriteLine("  " + site);
    }
}

// The "(+18.0 MiB ±14%)" part of a diff.
static string Growth(StatisticDiff diff)
{
    string text = diff.ToString();
    int size = text.IndexOf("size=", StringComparison.Ordinal);
    int open = text.IndexOf('(', size);
    int close = text.IndexOf("), count", StringComparison.Ordinal);
    return size < 0 || open < 0 || close < open ? text : text[(open + 1)..close];
}
