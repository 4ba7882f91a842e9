using System.Globalization;
using MemTrack.Internal.Heap.Graph;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// Reads the runtime's heap-dump events into a <see cref="HeapGraphBuilder"/>. The dump belongs to one blocking
/// gen2 GC: nodes, edges and roots are taken between that GC's start and its stop, which completes the dump. A GC
/// without nodes (a collection of the application's own) is passed over. Gaps in the bulk events' sequence numbers
/// mean lost events and are counted. Runs on the capture's reader thread.
/// </summary>
internal sealed class HeapDumpDecoder
{
    private readonly HeapGraphBuilder _builder;
    private readonly Dictionary<ulong, HeapTypeInfo> _types = [];
    private readonly Dictionary<ulong, string> _modulePaths = [];
    private int _dumpGc = -1;
    private int _nextNodeEvent;
    private int _nextEdgeEvent;

    public HeapDumpDecoder(HeapGraphBuilder builder) => _builder = builder;

    /// <summary>Set when the dump's GC has stopped with nodes in it.</summary>
    public ManualResetEventSlim Completed { get; } = new(false);

    /// <summary>The types the runtime described, by type id.</summary>
    public IReadOnlyDictionary<ulong, HeapTypeInfo> Types => _types;

    /// <summary>The loaded modules' paths by module id, from the rundown at the end of the session.</summary>
    public IReadOnlyDictionary<ulong, string> ModulePaths => _modulePaths;

    /// <summary>Bulk node or edge events missing from their sequences.</summary>
    public int MissingBulkEvents { get; private set; }

    private bool InDump => _dumpGc >= 0 && !Completed.IsSet;

    public void Subscribe(TraceEventDispatcher source)
    {
        ClrTraceEventParser clr = source.Clr;
        clr.GCStart += OnGcStart;
        clr.GCStop += OnGcStop;
        clr.TypeBulkType += OnBulkType;
        clr.GCBulkNode += OnBulkNode;
        clr.GCBulkEdge += OnBulkEdge;
        clr.GCBulkRootEdge += OnBulkRootEdge;
        clr.GCBulkRootStaticVar += OnBulkRootStaticVar;
        clr.GCBulkRootConditionalWeakTableElementEdge += OnDependentHandles;
        new ClrRundownTraceEventParser(source).LoaderModuleDCStop += data => _modulePaths[(ulong)data.ModuleID] = data.ModuleILPath;
    }

    private static (RootKind Kind, string Name) Classify(GCRootKind kind, GCRootFlags flags) => kind switch
    {
        GCRootKind.Stack => (RootKind.Stack, "thread stack"),
        GCRootKind.Finalizer => (RootKind.FinalizerQueue, "finalization queue"),
        GCRootKind.Handle when (flags & GCRootFlags.Pinning) != 0 => (RootKind.PinnedHandle, "pinned handle"),
        GCRootKind.Handle when (flags & GCRootFlags.RefCounted) != 0 => (RootKind.StrongHandle, "ref-counted handle"),
        GCRootKind.Handle => (RootKind.StrongHandle, "strong handle"),
        _ => (RootKind.Other, kind.ToString()),
    };

    private void OnGcStart(GCStartTraceData data)
    {
        if (_dumpGc < 0 && data.Depth == 2 && data.Type == GCType.NonConcurrentGC)
        {
            _dumpGc = data.Count;
        }
    }

    private void OnGcStop(GCEndTraceData data)
    {
        if (!InDump || data.Count != _dumpGc)
        {
            return;
        }

        if (_builder.NodeCount == 0)
        {
            _dumpGc = -1;
            return;
        }

        Completed.Set();
    }

    private void OnBulkType(GCBulkTypeTraceData data)
    {
        // Types arrive whenever the runtime first mentions them, not only inside the dump's GC.
        for (int i = 0; i < data.Count; i++)
        {
            GCBulkTypeValues type = data.Values(i);
            var parameters = new ulong[type.TypeParameterCount];
            for (int p = 0; p < parameters.Length; p++)
            {
                parameters[p] = type.TypeParameterID(p);
            }

            _types[type.TypeID] = new HeapTypeInfo(type.ModuleID, type.TypeNameID, (type.Flags & TypeFlags.Array) != 0, type.TypeName, parameters);
        }
    }

    private void OnBulkNode(GCBulkNodeTraceData data)
    {
        if (!InDump)
        {
            return;
        }

        CheckSequence(data.Index, ref _nextNodeEvent);
        for (int i = 0; i < data.Count; i++)
        {
            GCBulkNodeValues node = data.Values(i);
            _builder.AddNode(node.Address, AlignedSize(node.Size, data.PointerSize), node.TypeID, (int)node.EdgeCount);
        }
    }

    private void OnBulkEdge(GCBulkEdgeTraceData data)
    {
        if (!InDump)
        {
            return;
        }

        CheckSequence(data.Index, ref _nextEdgeEvent);
        for (int i = 0; i < data.Count; i++)
        {
            _builder.AddEdge(data.Values(i).Target);
        }
    }

    private void OnBulkRootEdge(GCBulkRootEdgeTraceData data)
    {
        if (!InDump)
        {
            return;
        }

        for (int i = 0; i < data.Count; i++)
        {
            GCBulkRootEdgeValues root = data.Values(i);
            if ((root.GCRootFlag & GCRootFlags.WeakRef) != 0 || root.RootedNodeAddress == 0)
            {
                continue; // A weak handle keeps nothing alive.
            }

            (RootKind kind, string name) = Classify(root.GCRootKind, root.GCRootFlag);
            _builder.AddRoot(root.RootedNodeAddress, kind, name);
        }
    }

    private void OnBulkRootStaticVar(GCBulkRootStaticVarTraceData data)
    {
        if (!InDump)
        {
            return;
        }

        for (int i = 0; i < data.Count; i++)
        {
            GCBulkRootStaticVarValues root = data.Values(i);
            if (root.ObjectID != 0)
            {
                _builder.AddStaticRoot(root.ObjectID, root.FieldName, (root.Flags & GCRootStaticVarFlags.ThreadLocal) != 0);
            }
        }
    }

    private void OnDependentHandles(GCBulkRootConditionalWeakTableElementEdgeTraceData data)
    {
        if (!InDump)
        {
            return;
        }

        for (int i = 0; i < data.Count; i++)
        {
            GCBulkRootConditionalWeakTableElementEdgeValues edge = data.Values(i);
            if (edge.GCKeyNodeID != 0 && edge.GCValueNodeID != 0)
            {
                _builder.AddDependent(edge.GCKeyNodeID, edge.GCValueNodeID);
            }
        }
    }

    /// <summary>
    /// The bytes the GC allocated for an object: the runtime reports the unaligned size (a <c>byte[1]</c> as 25 B),
    /// the GC rounds every object up to the pointer size (32 B on 64-bit), as <c>GC.GetAllocatedBytesForCurrentThread</c> counts it.
    /// </summary>
    internal static long AlignedSize(ulong size, int pointerSize)
    {
        ulong mask = (ulong)Math.Max(pointerSize, 4) - 1;
        return (long)((size + mask) & ~mask);
    }

    private void CheckSequence(int index, ref int next)
    {
        if (index != next)
        {
            MissingBulkEvents += Math.Max(1, index - next);
        }

        next = index + 1;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"dump GC {_dumpGc}, {_builder.NodeCount} nodes, {_builder.EdgeCount} edges");
}
