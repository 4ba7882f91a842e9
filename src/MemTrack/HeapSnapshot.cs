using System.Diagnostics;
using MemTrack.Internal.Heap.Capture;
using MemTrack.Internal.Heap.Export;
using MemTrack.Internal.Heap.Graph;
using MemTrack.Internal.Heap.Sampling;

namespace MemTrack;

/// <summary>
/// One exact capture of every live object of a process (this one, or another by id) and the references between them: what objgraph, pympler and
/// heapy show for Python. Which types hold the memory (<see cref="TypeStatistics"/>), which grew
/// (<see cref="CompareTo"/>), who holds an object (<see cref="FindPathToRoot"/>) and what its death would free
/// (<see cref="RetainedSize"/>).
/// </summary>
/// <remarks>
/// <para>
/// A capture pauses the application for one full blocking GC while the runtime writes the graph (about half a second
/// per million objects here, docs/performance.md), so take it when investigating, not on a hot path. It works whether
/// or not <see cref="MemTracker"/> is tracing. The graph is held in flat arrays, about 60 bytes per object.
/// </para>
/// <para>
/// MemTrack's own objects are left out of the census (<see cref="TypeStatistics"/>, <see cref="CompareTo"/>,
/// <see cref="ObjectsOfType(string)"/>), so that captures in a row do not show MemTrack's state growing: objects of
/// types defined in MemTrack or the diagnostics libraries it runs on (TraceEvent, NETCore.Client), or arrays and
/// generic instantiations of them, and whatever only such objects or MemTrack's static fields hold (the running
/// tracer's tables, earlier captures you still hold). An object also reachable from your own roots without passing
/// through them stays in. <see cref="ObjectCount"/>, <see cref="ReferenceCount"/> and <see cref="TotalSize"/> count the
/// whole heap, own objects included.
/// </para>
/// <para>
/// Sizes are what the GC allocated: each object's size rounded up to the pointer size (a <c>byte[1]</c> is 32 B on
/// 64-bit). In a capture of the current process, root paths name static fields by declaring type, statics of generic
/// types by their instantiation and <c>[ThreadStatic]</c> fields as <see cref="RootKind.ThreadStaticField"/>
/// (see <see cref="RootKind"/> for what stays unnamed).
/// </para>
/// </remarks>
public sealed class HeapSnapshot
{
    private readonly IReadOnlyList<SampledObject>? _sampled;
    private readonly int[] _sampledNodes = [];
    private readonly Lazy<(long[] Counts, long[] Sizes)> _typeTotals;
    private readonly int _processId;

    private HeapSnapshot(HeapGraph graph, int processId, DateTimeOffset capturedAt, TimeSpan duration, IReadOnlyList<SampledObject>? sampled)
    {
        Graph = graph;
        _processId = processId;
        CapturedAt = capturedAt;
        CaptureDuration = duration;
        _sampled = sampled;
        _typeTotals = new(TypeTotals);
        if (sampled is not null)
        {
            _sampledNodes = AllocationSiteJoin.Locate(graph, sampled);
        }
    }

    /// <summary>When the capture was taken.</summary>
    public DateTimeOffset CapturedAt { get; }

    /// <summary>How long the capture took, from the request to the graph in memory.</summary>
    public TimeSpan CaptureDuration { get; }

    /// <summary>Live objects in the capture: the whole heap, MemTrack's own objects included (unlike <see cref="TypeStatistics"/>).</summary>
    public int ObjectCount => Graph.NodeCount;

    /// <summary>References between them, MemTrack's own objects included.</summary>
    public int ReferenceCount => Graph.EdgeCount;

    /// <summary>Their total shallow size in bytes, MemTrack's own objects included (so above the sum of <see cref="TypeStatistics"/>).</summary>
    public long TotalSize => Graph.TotalSize;

    /// <summary>
    /// Whether <see cref="MemTracker"/> was tracing with <see cref="MemTrackerOptions.TrackLiveObjects"/> during the
    /// capture, so <see cref="AllocationSites(string)"/> can say where objects were allocated.
    /// </summary>
    public bool HasAllocationSites => _sampled is not null;

    internal HeapGraph Graph { get; }

    /// <summary>Captures the heap with the default <see cref="HeapCaptureOptions"/>.</summary>
    /// <exception cref="MemTrackException">The dump lost events or did not complete in time (the message names the option to raise).</exception>
    /// <exception cref="DiagnosticsUnavailableException">The runtime's diagnostics server is not reachable.</exception>
    public static HeapSnapshot Capture() => Capture(new HeapCaptureOptions());

    /// <summary>Captures the heap of the current process.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    /// <exception cref="MemTrackException">The dump lost events or did not complete in time (the message names the option to raise).</exception>
    /// <exception cref="DiagnosticsUnavailableException">The runtime's diagnostics server is not reachable.</exception>
    public static HeapSnapshot Capture(HeapCaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Capture(Environment.ProcessId, options);
    }

    /// <summary>
    /// Captures the heap of another .NET process (or of this one, when <paramref name="processId"/> is
    /// <see cref="Environment.ProcessId"/>) through its diagnostics server, as <c>dotnet-gcdump</c> does: the target
    /// runs one full blocking GC while its runtime streams the graph. It needs no code in the target.
    /// </summary>
    /// <remarks>
    /// A capture of another process holds only what its dump says: types by its runtime's names (a nested type by its
    /// simple name, <c>Entry</c> rather than <c>Dictionary`2+Entry</c>), static field roots by field name and the type
    /// of the object held (their declaring types are not known), no object counted as MemTrack's own, and no
    /// <see cref="AllocationSites(string)"/>. The session buffer (<see cref="HeapCaptureOptions.BufferSizeMB"/>) is
    /// allocated in the target, as the dump fills it.
    /// </remarks>
    /// <param name="processId">The process id; it must be a .NET process of the same user with diagnostics enabled.</param>
    /// <param name="options">Buffer size and timeout; null for the defaults (1024 MB, 60 s).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="processId"/> is 0 or negative, or an option is out of its range.</exception>
    /// <exception cref="MemTrackException">The dump lost events or did not complete in time (the message names the option to raise).</exception>
    /// <exception cref="DiagnosticsUnavailableException">
    /// No process with that id has a reachable diagnostics server (none runs, it is not .NET, another user's, or
    /// diagnostics are off).
    /// </exception>
    public static HeapSnapshot Capture(int processId, HeapCaptureOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(processId);
        options ??= new HeapCaptureOptions();
        options.Validate();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        IReadOnlyList<SampledObject>? sampled = null;
        Action? dumped = processId == Environment.ProcessId ? () => sampled = SampledLiveObjects() : null;
        HeapGraph graph = HeapDumpSession.Run(processId, options, dumped);
        TimeSpan duration = clock.Elapsed;
        return new HeapSnapshot(graph, processId, now, duration, sampled);
    }

    /// <summary>
    /// Where the live objects of a type were allocated and what holds them, grouped by (allocation traceback, holding
    /// root), largest estimated size first: "~10000 Orders held by OrderService.s_openOrders, allocated at
    /// OrderService.cs:42". It joins the capture to the tracer's live samples by address, so it needs
    /// <see cref="MemTracker"/> tracing with live tracking during the capture; only sampled objects are seen, and the
    /// counts are estimates with margins.
    /// </summary>
    /// <param name="typeName">The type, in any of the spellings <see cref="ObjectsOfType(string)"/> accepts; a short name gives the sites of every type of that name.</param>
    /// <exception cref="ArgumentException"><paramref name="typeName"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The tracer was not running with live tracking during the capture, or the capture is of another process.</exception>
    public IReadOnlyList<HeapAllocationSite> AllocationSites(string typeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        return AllocationSitesOf(Graph.TypeIndicesMatching(typeName));
    }

    /// <summary>Where the live objects of exactly <paramref name="type"/> were allocated and what holds them (see <see cref="AllocationSites(string)"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="type"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The tracer was not running with live tracking during the capture, or the capture is of another process.</exception>
    public IReadOnlyList<HeapAllocationSite> AllocationSites(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return AllocationSitesOf(ExactType(type));
    }

    /// <summary>
    /// Count, size and retained size per type, largest size first, without MemTrack's own objects (see the remarks on
    /// <see cref="HeapSnapshot"/>).
    /// </summary>
    public IReadOnlyList<TypeStatistic> TypeStatistics()
    {
        (long[] counts, long[] sizes) = _typeTotals.Value;
        long[] retained = Graph.Dominators.RetainedSizeByType();
        var result = new List<TypeStatistic>();
        for (int t = 0; t < counts.Length; t++)
        {
            if (counts[t] > 0)
            {
                result.Add(new TypeStatistic(Graph.TypeNames[t], counts[t], sizes[t], retained[t]));
            }
        }

        result.Sort((a, b) => b.Size != a.Size ? b.Size.CompareTo(a.Size) : string.CompareOrdinal(a.TypeName, b.TypeName));
        return result;
    }

    /// <summary>
    /// The change per type from an older capture, largest absolute size change first; types that did not change are
    /// left out, and so are MemTrack's own objects in both captures (see the remarks on <see cref="HeapSnapshot"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="old"/> is null.</exception>
    public IReadOnlyList<TypeStatisticDiff> CompareTo(HeapSnapshot old)
    {
        ArgumentNullException.ThrowIfNull(old);
        Dictionary<string, (long Count, long Size)> before = old.TotalsByName();
        Dictionary<string, (long Count, long Size)> after = TotalsByName();
        var result = new List<TypeStatisticDiff>();
        foreach (string name in after.Keys.Union(before.Keys))
        {
            (long count, long size) = after.GetValueOrDefault(name);
            (long oldCount, long oldSize) = before.GetValueOrDefault(name);
            if (count != oldCount || size != oldSize)
            {
                result.Add(new TypeStatisticDiff(name, count, count - oldCount, size, size - oldSize));
            }
        }

        result.Sort((a, b) =>
        {
            int bySize = Math.Abs(b.SizeDiff).CompareTo(Math.Abs(a.SizeDiff));
            return bySize != 0 ? bySize : string.CompareOrdinal(a.TypeName, b.TypeName);
        });
        return result;
    }

    /// <summary>
    /// The objects of a type, by name (objgraph's <c>by_type</c>), without MemTrack's own objects; empty when there
    /// are none.
    /// </summary>
    /// <remarks>
    /// <para>The name may be spelled:</para>
    /// <list type="bullet">
    /// <item>as <see cref="TypeStatistic.TypeName"/> and <c>Type.ToString()</c> spell it: <c>MyApp.Order</c>,
    /// <c>MyApp.Outer+Inner</c>, <c>MyApp.Box`1[System.Int32]</c>, <c>System.Byte[]</c>;</item>
    /// <item>as <c>Type.FullName</c> (generic arguments assembly-qualified, <c>MyApp.Box`1[[System.Int32, System.Private.CoreLib, ...]]</c>)
    /// or <c>Type.AssemblyQualifiedName</c>: assembly names are ignored, so a type of that name from any assembly matches;</item>
    /// <item>in C#: <c>MyApp.Outer.Inner</c>, <c>MyApp.Box&lt;int&gt;</c>, <c>Dictionary&lt;string, List&lt;int&gt;&gt;</c>,
    /// <c>int[]</c>, <c>int?</c> (keyword aliases are read as their <c>System</c> types);</item>
    /// <item>without namespace or outer types (<c>Order</c>, <c>Inner</c>, <c>Outer.Inner</c>, <c>Box&lt;int&gt;</c>,
    /// <c>Entry</c> for <c>Dictionary&lt;K, V&gt;.Entry</c>): it matches every type whose name ends with those
    /// segments, whatever comes before, and the objects of all of them are returned; only the generic arguments of
    /// the segments given are compared (<c>Outer&lt;int&gt;.Inner</c>).</item>
    /// </list>
    /// <para>
    /// Generic arguments follow the same rules (<c>List&lt;Order&gt;</c> matches <c>System.Collections.Generic.List`1[MyApp.Order]</c>).
    /// A generic type is named with its arguments: <c>Box`1</c> or <c>Box&lt;&gt;</c> alone matches no
    /// instantiation. <c>.</c> and <c>+</c> both separate nested types. A name that is none of these spellings
    /// matches only a type named exactly so.
    /// </para>
    /// </remarks>
    /// <param name="typeName">The type's name, e.g. <c>MyApp.Order</c>, <c>Order</c>, <c>System.Byte[]</c> or <c>Dictionary&lt;string, int&gt;</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="typeName"/> is null or empty.</exception>
    public IReadOnlyList<HeapObject> ObjectsOfType(string typeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        return ObjectsOf(Graph.TypeIndicesMatching(typeName));
    }

    /// <summary>The objects of exactly <paramref name="type"/> (not of derived types), without MemTrack's own objects; empty when there are none.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="type"/> is null.</exception>
    public IReadOnlyList<HeapObject> ObjectsOfType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return ObjectsOf(ExactType(type));
    }

    /// <summary>
    /// The shortest chain of references from a GC root to <paramref name="target"/>, preferring the most precisely
    /// named roots (static fields before handles, the finalization queue and thread stacks); null when no reported
    /// root reaches it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> belongs to another capture.</exception>
    public RootPath? FindPathToRoot(HeapObject target)
    {
        int node = NodeOf(target);
        if (Graph.RootPaths.PathTo(node) is not (HeapRoot root, int[] nodes))
        {
            return null;
        }

        return new RootPath(root.Kind, root.Name, [.. nodes.Select(n => new HeapObject(this, n))]);
    }

    /// <summary>
    /// Bytes that would be freed if <paramref name="target"/> died: its size plus that of every object reachable only
    /// through it (its dominator subtree). Objects also reachable another way are not included.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> belongs to another capture.</exception>
    public long RetainedSize(HeapObject target) => Graph.Dominators.RetainedSize(NodeOf(target));

    /// <summary>
    /// Writes a Graphviz DOT graph of what refers to the targets, back to the roots (objgraph's <c>show_backrefs</c>),
    /// bounded to <paramref name="maxDepth"/> hops and <paramref name="maxNodes"/> objects. Render it with
    /// <c>dot -Tsvg</c>.
    /// </summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="targets">Objects of this capture.</param>
    /// <param name="maxDepth">Hops back from the targets. Default 6; at least 1.</param>
    /// <param name="maxNodes">Objects drawn at most. Default 200; at least 1.</param>
    /// <exception cref="ArgumentNullException">An argument or a target is null.</exception>
    /// <exception cref="ArgumentException">A target belongs to another capture.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDepth"/> or <paramref name="maxNodes"/> is below 1.</exception>
    public void WriteDot(TextWriter writer, IEnumerable<HeapObject> targets, int maxDepth = 6, int maxNodes = 200)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNodes, 1);
        int[] nodes = [.. targets.Select(NodeOf).Distinct()];
        DotWriter.Write(writer, Graph, nodes, maxDepth, maxNodes);
    }

    /// <summary>
    /// Writes the whole graph as a V8 heap snapshot (<c>.heapsnapshot</c>) that Chrome DevTools' Memory tab loads, to
    /// browse it by type, with retainers and retained sizes.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public void WriteChromeHeapSnapshot(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ChromeHeapSnapshotWriter.Write(stream, Graph);
    }


    /// <summary>Summary: objects, size and capture time.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"HeapSnapshot: {ObjectCount} objects, {TotalSize} bytes, captured in {CaptureDuration.TotalMilliseconds:0} ms");

    /// <summary>The tracer's live samples right after the capture's GC, or null when it is not tracing live objects (or fails: the capture stands alone).</summary>
    private static IReadOnlyList<SampledObject>? SampledLiveObjects()
    {
        try
        {
            return MemTracker.Current?.SampledLiveObjects();
        }
        catch (Exception ex) when (ex is MemTrackException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>The heap's type of exactly <paramref name="type"/>, by its heap name; none when no object of it is in the capture.</summary>
    private int[] ExactType(Type type)
    {
        int index = Graph.TypeIndexOf(RuntimeTypeName.Of(type));
        return index < 0 ? [] : [index];
    }

    private List<HeapObject> ObjectsOf(int[] typeIndices)
    {
        var result = new List<HeapObject>();
        if (typeIndices.Length == 0)
        {
            return result;
        }

        bool[] wanted = Graph.TypeMask(typeIndices);
        int[] types = Graph.Types;
        bool[] own = Graph.IsOwn;
        for (int node = 0; node < types.Length; node++)
        {
            if (wanted[types[node]] && !own[node])
            {
                result.Add(new HeapObject(this, node));
            }
        }

        return result;
    }

    private List<HeapAllocationSite> AllocationSitesOf(int[] typeIndices)
    {
        if (_processId != Environment.ProcessId)
        {
            throw new InvalidOperationException(FormattableString.Invariant(
                $"This heap capture is of another process ({_processId}): allocation sites join a capture to this process's tracer samples, so only captures of the current process have them."));
        }

        if (_sampled is null)
        {
            throw new InvalidOperationException(
                "This heap capture has no allocation sites: start MemTracker (with MemTrackerOptions.TrackLiveObjects = true, the default) before HeapSnapshot.Capture.");
        }

        return typeIndices.Length == 0 ? [] : AllocationSiteJoin.SitesOfTypes(Graph, _sampled, _sampledNodes, Graph.TypeMask(typeIndices));
    }

    private int NodeOf(HeapObject target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!ReferenceEquals(target.Snapshot, this))
        {
            throw new ArgumentException("The object belongs to another heap capture; look it up in this one with ObjectsOfType.", nameof(target));
        }

        return target.Node;
    }

    /// <summary>Count and size per type index, MemTrack's own objects left out.</summary>
    private (long[] Counts, long[] Sizes) TypeTotals()
    {
        var counts = new long[Graph.TypeNames.Length];
        var sizes = new long[Graph.TypeNames.Length];
        int[] types = Graph.Types;
        long[] objectSizes = Graph.Sizes;
        bool[] own = Graph.IsOwn;
        for (int node = 0; node < types.Length; node++)
        {
            if (own[node])
            {
                continue;
            }

            counts[types[node]]++;
            sizes[types[node]] += objectSizes[node];
        }

        return (counts, sizes);
    }

    private Dictionary<string, (long Count, long Size)> TotalsByName()
    {
        (long[] counts, long[] sizes) = _typeTotals.Value;
        var totals = new Dictionary<string, (long Count, long Size)>(StringComparer.Ordinal);
        for (int t = 0; t < counts.Length; t++)
        {
            if (counts[t] > 0)
            {
                totals[Graph.TypeNames[t]] = (counts[t], sizes[t]);
            }
        }

        return totals;
    }
}
