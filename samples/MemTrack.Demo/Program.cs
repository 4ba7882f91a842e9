using System.Globalization;
using MemTrack;
using MemTrack.Demo;

// The tracemalloc article, in C#:
//   tracemalloc.start(10); time1 = take_snapshot(); x = waste_memory.run(); time2 = take_snapshot()
//   stats = time2.compare_to(time1, 'lineno'); print top 3; then the traceback of the biggest offender.
const int Lists = 20_000; // 20,000 lists of 100 objects: 2 million objects, as in the benchmarks
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

MemTracker.Start(depth: 10);
Snapshot time1 = MemTracker.TakeSnapshot();
long exactBefore = GC.GetAllocatedBytesForCurrentThread();
List<List<MyObject>> x = WasteMemory.Run(Lists);
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
MemTracker.Stop();
