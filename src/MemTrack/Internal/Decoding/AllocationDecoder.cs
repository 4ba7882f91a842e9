using MemTrack.Internal.Liveness;
using MemTrack.Internal.Sampling;
using MemTrack.Internal.Sites;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Turns AllocationSampled events into site-table samples: walks the event's interned call stack, resolves and
/// interns the frames, hides framework frames at the top, truncates to the depth, and adds the sample to the site
/// of (stack, type); with live tracking, the sampled object is tracked until it dies. Stacks are cached per TraceLog
/// call-stack index, so a repeated stack costs one lookup; each type id is named once (<see cref="AllocatedTypeNames"/>).
/// With <paramref name="onlyThreadId"/>, samples of other threads are left out (an assertion's allocation-site probe, which looks at its own thread).
/// Used only on the reader thread.
/// </summary>
internal sealed class AllocationDecoder(
    FrameResolver frames, SiteTable sites, StackTable stacks, TrackedObjectTable? liveObjects, CollectibleAssemblyWatch collectible, int depth, bool hideFrameworkFrames,
    int? onlyThreadId = null)
{
    /// <summary>Stack id of samples without a stack.</summary>
    private const int NoStackId = -1;

    /// <summary>Stack id of samples allocated by MemTrack's own code on an application thread.</summary>
    private const int TracerStackId = -2;

    private readonly Dictionary<int, int> _stackIdByCallStack = [];
    private readonly Dictionary<ulong, int> _typeIdByTypeHandle = [];
    private readonly List<string> _typeNames = [];
    private readonly List<int> _scratch = new(64);

    public int Depth => depth;

    public long OwnSamples { get; private set; }

    public string GetTypeName(int typeId) => _typeNames[typeId];

    public void OnAllocation(AllocationSampledTraceData data, TraceLog log, int ownThreadId)
    {
        if (data.ThreadID == ownThreadId)
        {
            OwnSamples++;
            return;
        }

        if (onlyThreadId is { } only && data.ThreadID != only)
        {
            return;
        }

        int typeId = GetTypeId(data);
        int stackId = GetStackId(data.CallStackIndex(), log, _typeNames[typeId]);
        if (stackId == TracerStackId)
        {
            OwnSamples++;
            return;
        }

        long size = data.ObjectSize;
        var one = SampleStats.One(size);
        int slot = sites.Add(stackId < 0 ? GetEmptyStackId() : stackId, typeId, one);
        liveObjects?.Track(data.Address, size, slot, one);
    }

    /// <summary>Forgets cached call-stack indexes; required after <see cref="TraceLog.TrimLiveSessionState"/> renumbers them.</summary>
    public void ForgetCallStackIndexes() => _stackIdByCallStack.Clear();

    /// <summary>Forgets stacks, sites and tracked objects (ClearTraces). Resolved frames and type names stay: they are still valid.</summary>
    public void ClearSites()
    {
        _stackIdByCallStack.Clear();
        stacks.Clear();
        sites.Clear();
        liveObjects?.Clear();
    }

    public long EstimateBytes() => (_stackIdByCallStack.Count * 24L) + (_typeIdByTypeHandle.Count * 24L) + _typeNames.Sum(n => 32 + (n.Length * 2L));

    private int GetEmptyStackId() => stacks.Intern([], 0);

    private int GetTypeId(AllocationSampledTraceData data)
    {
        ulong handle = data.TypeID;
        if (!_typeIdByTypeHandle.TryGetValue(handle, out int typeId))
        {
            typeId = _typeNames.Count;
            _typeNames.Add(AllocatedTypeNames.Of(handle, data.TypeName, collectible));
            _typeIdByTypeHandle[handle] = typeId;
        }

        return typeId;
    }

    private int GetStackId(CallStackIndex callStack, TraceLog log, string typeName)
    {
        if ((int)callStack < 0)
        {
            return NoStackId;
        }

        if (_stackIdByCallStack.TryGetValue((int)callStack, out int cached))
        {
            return cached;
        }

        TraceCallStacks callStacks = log.CallStacks;
        TraceCodeAddresses addresses = log.CodeAddresses;
        _scratch.Clear();

        // What each frame's call did: the top one allocated the sample's type, every other one called the frame above it
        // (the method itself, after any frames inlined into it).
        var context = new CallContext(SimpleNames.OfType(typeName), null);
        for (CallStackIndex index = callStack; (int)index >= 0; index = callStacks.Caller(index))
        {
            CodeAddressIndex code = callStacks.CodeAddressIndex(index);
            frames.Resolve(addresses.Address(code), context, _scratch);
            int caller = _scratch[^1];
            context = caller == FrameResolver.UnknownFrameId ? CallContext.None : new CallContext(null, SimpleNames.OfMethod(frames.GetFrame(caller).Method));
        }

        int firstUserFrame = 0;
        while (firstUserFrame < _scratch.Count && frames.IsFramework(_scratch[firstUserFrame]))
        {
            firstUserFrame++;
        }

        if (firstUserFrame < _scratch.Count && frames.IsTracer(_scratch[firstUserFrame]))
        {
            // Allocated by MemTrack itself (e.g. TakeSnapshot on the caller's thread): never the user's.
            _stackIdByCallStack[(int)callStack] = TracerStackId;
            return TracerStackId;
        }

        // Only framework frames: keep them rather than lose the stack.
        int first = hideFrameworkFrames && firstUserFrame < _scratch.Count ? firstUserFrame : 0;

        // MemTrack's own frames below the user's (the wrapper an assertion calls the user's action through) are never
        // shown: the stack reads as the user's code calling the user's code.
        _scratch.RemoveAll(frameId => frames.IsTracer(frameId));
        first = Math.Min(first, _scratch.Count);

        int total = _scratch.Count - first;
        int kept = Math.Min(total, depth);
        int[] ids = new int[kept];
        for (int i = 0; i < kept; i++)
        {
            ids[i] = _scratch[first + i];
        }

        int stackId = stacks.Intern(ids, total);
        _stackIdByCallStack[(int)callStack] = stackId;
        return stackId;
    }
}
