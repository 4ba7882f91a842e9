using System.Globalization;
using System.Text.RegularExpressions;
using MemTrack;
using MemTrack.LineShapes;
using MemTrack.LineShapes.Shapes;

// Usage: MemTrack.LineShapes [--cold] [shape ...]
//   Warms each shape's methods to tier 1 (unless --cold: measured on the first call, at tier 0 and after on-stack
//   replacement), traces one run of each, and prints one line per allocating line:
//   shape=<name> type=<type> line=<n> share=<bytes on the line / bytes of the type> callerLine=<n> callerShare=<...>
//   inlined=<share whose first frame is inlined> callerNext=<share whose second frame is on callerLine>
//   samples=<n> bytes=<n> top=<first frame of the biggest trace> method=<its method>
//   (callerLine: the line of a call the JIT may inline, marked "inlines: <type>"; 0 when none).
bool cold = args.Contains("--cold");
Shape[] all =
[
    new LoopShape(), new StraightShape(), new LambdaShape(), new AsyncShape(), new GenericShape(),
    new ForeachShape(), new LinqShape(), new InlinedShape(), new OsrShape(),
];
string[] names = [.. args.Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
Shape[] shapes = names.Length == 0 ? all : [.. all.Where(s => names.Contains(s.Name, StringComparer.OrdinalIgnoreCase))];

using var tiers = new TierWatch();

// Code built without optimizations is never tiered: it runs as the JIT first compiled it.
bool optimized = typeof(Shape).Assembly.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false)
    .Cast<System.Diagnostics.DebuggableAttribute>().All(a => !a.IsJITOptimizerDisabled);
Console.WriteLine("optimized=" + optimized);
// Tracing starts first, as the startup hook starts it: the runtime sends rich debug info only for code compiled
// while a session listens.
MemTracker.Start(new MemTrackerOptions { Depth = 10, TrackLiveObjects = false });
if (!cold && optimized)
{
    WarmUp(shapes.Where(s => s.HotMethods.Count > 0).ToArray(), tiers);
}

Console.WriteLine("rich=" + (Environment.GetEnvironmentVariable("DOTNET_RichDebugInfo") ?? "0"));
foreach (Shape shape in shapes)
{
    MemTracker.ClearTraces();
    shape.Run(shape.Iterations);
    Snapshot snapshot = MemTracker.TakeSnapshot();
    Report(shape, snapshot);
    foreach (string pattern in shape.HotMethods)
    {
        foreach ((string method, int tier) in tiers.Matching(pattern))
        {
            Console.WriteLine($"tier shape={shape.Name} method={method} tier={TierWatch.TierName(tier)}");
        }
    }
}

MemTracker.Stop();
return 0;

static void WarmUp(Shape[] shapes, TierWatch tiers)
{
    // Tiering promotes a method after 30 calls and a quiet 100 ms, in the background (twice with PGO's instrumented
    // tier): call, then wait, until every hot method's latest code is optimized; 30 s at most.
    var clock = System.Diagnostics.Stopwatch.StartNew();
    while (clock.Elapsed < TimeSpan.FromSeconds(30))
    {
        for (int call = 0; call < 40; call++)
        {
            foreach (Shape shape in shapes)
            {
                shape.Run(shape.WarmIterations);
            }
        }

        Thread.Sleep(250);
        bool done = shapes.All(shape => shape.HotMethods.All(pattern =>
            tiers.Matching(pattern).Any() && tiers.Matching(pattern).All(m => TierWatch.IsOptimized(m.Tier))));
        if (done)
        {
            return;
        }
    }

    Console.WriteLine("warning: not every hot method reached tier 1 within 30 s");
}

static void Report(Shape shape, Snapshot snapshot)
{
    string prefix = shape.GetType().FullName + "+";
    string[] lines = File.ReadAllLines(shape.SourceFile);
    int LineOf(string marker, string tag) => 1 + Array.FindIndex(lines, l => Regex.IsMatch(l, marker + @": (\S+ )*?" + Regex.Escape(tag) + @"(\s|$)"));
    for (int i = 0; i < lines.Length; i++)
    {
        foreach (Match match in Regex.Matches(lines[i], @"alloc: (\S+)"))
        {
            string tag = match.Groups[1].Value;
            int line = i + 1;
            int caller = LineOf("inlines", tag);
            Trace[] traces = [.. snapshot.Traces.Where(t => t.TypeName == prefix + tag && t.Traceback.Count > 0)];
            long bytes = traces.Sum(t => t.Size);
            double Share(Func<Frame, bool> where) => bytes == 0 ? 0 : (double)traces.Where(t => where(t.Traceback[0])).Sum(t => t.Size) / bytes;
            bool InShape(Frame frame) => frame.FileName is { } file && Path.GetFileName(file) == Path.GetFileName(shape.SourceFile);
            Trace? top = traces.OrderByDescending(t => t.Size).FirstOrDefault();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"shape={shape.Name} type={tag} line={line} share={Share(f => InShape(f) && f.LineNumber == line):0.000} callerLine={caller} callerShare={(caller == 0 ? 0 : Share(f => InShape(f) && f.LineNumber == caller)):0.000} inlined={Share(f => f.IsInlined):0.000} callerNext={CallerNext(traces, caller, InShape):0.000} samples={traces.Sum(t => t.SampleCount)} bytes={bytes} top={top?.Traceback[0]} method={top?.Traceback[0].Method}"));
        }
    }
}

// The share of bytes whose second frame is on the inlining call's line: the frame an inlined first frame was inlined into.
static double CallerNext(Trace[] traces, int caller, Func<Frame, bool> inShape)
{
    long bytes = traces.Sum(t => t.Size);
    return caller == 0 || bytes == 0 ? 0 : (double)traces.Where(t => t.Traceback.Count > 1 && inShape(t.Traceback[1]) && t.Traceback[1].LineNumber == caller).Sum(t => t.Size) / bytes;
}
