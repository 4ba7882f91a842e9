using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Turns code addresses from event stacks into interned <see cref="Frame"/>s: method and module from the
/// <see cref="MethodMap"/>, file and line from the module's PDB. Every address is resolved once and cached, so the
/// string work happens the first time a frame is seen, not per event. Used only on the reader thread.
/// </summary>
internal sealed class FrameResolver : IDisposable
{
    /// <summary>Frame id of an address no known method covers (native code, stubs, or code loaded before the rundown).</summary>
    public const int UnknownFrameId = 0;

    private static readonly Frame UnknownFrame = new("<unknown>", null, 0, "<unknown>");
    // MemTrack's own modules: the library and the packages that run inside the traced app. Their allocations (a
    // hosted report's logging, the startup hook) are the tracer's, not the user's.
    private static readonly HashSet<string> TracerModuleNames = new(StringComparer.OrdinalIgnoreCase)
    {
        Path.GetFileName(typeof(FrameResolver).Assembly.Location) is { Length: > 0 } own ? own : "MemTrack.dll",
        "MemTrack.Extensions.Hosting.dll",
        "MemTrack.StartupHook.dll",
    };
    private static readonly string RuntimeDirectory = NormalizeDirectory(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());

    private readonly Dictionary<ulong, int> _frameIdByAddress = [];

    /// <summary>Frames of the return addresses that lie in inlined code: innermost first, the method itself last.</summary>
    private readonly Dictionary<ulong, int[]> _inlinedFramesByAddress = [];
    private readonly InlineeNames _inlinees;
    private readonly LoadedImages _images = new();
    private readonly Dictionary<string, ReadyToRunImage?> _readyToRun = new(StringComparer.Ordinal);
    private readonly List<int> _chain = [];
    private readonly Dictionary<Frame, int> _frameIds = [];
    private readonly List<Frame> _frames = [UnknownFrame];

    /// <summary>Per frame id: (hidden as framework, MemTrack's own code).</summary>
    private readonly List<(bool Framework, bool Tracer)> _kinds = [(true, false)];
    private readonly Dictionary<ulong, string> _modulePaths = [];
    private readonly Dictionary<string, PdbLineReader> _pdbs = new(StringComparer.Ordinal);

    /// <param name="collectible">
    /// Says whether method handles may be resolved by reflection (to name inlined methods that were never jitted on
    /// their own); null: never.
    /// </param>
    public FrameResolver(CollectibleAssemblyWatch? collectible = null)
    {
        _frameIds[UnknownFrame] = UnknownFrameId;
        _inlinees = new InlineeNames(collectible);
    }

    public MethodMap Methods { get; } = new();

    public Frame GetFrame(int frameId) => _frames[frameId];

    public bool IsFramework(int frameId) => _kinds[frameId].Framework;

    /// <summary>Whether the frame is MemTrack's own code: allocations made there are the tracer's, not the user's.</summary>
    public bool IsTracer(int frameId) => _kinds[frameId].Tracer;

    /// <summary>A method's code was loaded (MethodLoadVerbose, or MethodDCStopVerbose at rundown): where it is, what it is.</summary>
    public void OnMethodLoad(MethodLoadUnloadVerboseTraceData data)
    {
        string ns = data.MethodNamespace;
        string name = string.IsNullOrEmpty(ns) ? data.MethodName : ns + "." + data.MethodName;
        Methods.AddMethod(new MethodCode(data.MethodStartAddress, (uint)data.MethodSize, (ulong)data.MethodID, (ulong)data.ModuleID, data.MethodToken, name));
    }

    /// <summary>A method's IL-to-native map (MethodILToNativeMap, or its rundown twin).</summary>
    public void OnIlMap(MethodILToNativeMapTraceData data)
    {
        int count = data.CountOfMapEntries;
        var natives = new uint[count];
        var ils = new int[count];
        for (int i = 0; i < count; i++)
        {
            natives[i] = (uint)data.NativeOffset(i);
            ils[i] = data.ILOffset(i);
        }

        Methods.AddIlMap((ulong)data.MethodID, natives, ils);
    }

    /// <summary>Remembers a method's declaring type handle (MethodDetails), which names an inlined method of a generic type.</summary>
    public void AddMethodDetails(ulong methodId, ulong typeId) => _inlinees.AddDetails(methodId, typeId);

    public void AddModule(ulong moduleId, string path)
    {
        // A module loaded since the mapped images were last read: its precompiled code must be found.
        _images.Invalidate();
        if (!string.IsNullOrEmpty(path))
        {
            _modulePaths[moduleId] = path;
        }
    }

    /// <summary>
    /// Resolves a return address of a stack frame to one frame, or, in inlined code with rich debug info, to the
    /// inlined methods' frames innermost first and the method's own last: adds their ids to <paramref name="frames"/>.
    /// The address is one past the call, so the instruction looked up is the one before it (<paramref name="address"/> - 1).
    /// <paramref name="context"/> says what the call did, where the stack tells (the allocated type on top, the callee
    /// below); it picks the call's IL instruction where the map leaves it open. A return address is one call
    /// instruction, so the first resolution is cached for the address.
    /// </summary>
    public void Resolve(ulong address, CallContext context, List<int> frames)
    {
        if (_frameIdByAddress.TryGetValue(address, out int cached))
        {
            frames.Add(cached);
            return;
        }

        if (_inlinedFramesByAddress.TryGetValue(address, out int[]? chain))
        {
            frames.AddRange(chain);
            return;
        }

        _chain.Clear();
        ResolveUncached(address, context, _chain);
        if (_chain.Count == 1)
        {
            _frameIdByAddress[address] = _chain[0];
        }
        else
        {
            _inlinedFramesByAddress[address] = [.. _chain];
        }

        frames.AddRange(_chain);
    }

    /// <summary>Resolves a return address to its innermost frame (<see cref="Resolve(ulong, CallContext, List{int})"/>).</summary>
    public int Resolve(ulong address, CallContext context = default)
    {
        var frames = new List<int>(1);
        Resolve(address, context, frames);
        return frames[0];
    }

    /// <summary>Approximate bytes held, for <see cref="MemTracker.GetTracerMemory"/>.</summary>
    public long EstimateBytes()
    {
        long bytes = (_frameIdByAddress.Count * 24L) + (_inlinedFramesByAddress.Count * 64L) + (_frameIds.Count * 32L) + (_modulePaths.Count * 64L)
            + Methods.EstimateBytes() + _inlinees.EstimateBytes()
            + _readyToRun.Values.Sum(image => image is null ? 0 : 64 + (image.RuntimeFunctionCount * 12L) + (image.MethodCount * 8L));
        foreach (Frame frame in _frames)
        {
            bytes += 64 + ((frame.Method.Length + (frame.FileName?.Length ?? 0) + frame.Module.Length) * 2L);
        }

        return bytes;
    }

    public void Dispose()
    {
        foreach (PdbLineReader reader in _pdbs.Values)
        {
            reader.Dispose();
        }

        foreach (ReadyToRunImage? image in _readyToRun.Values)
        {
            image?.Dispose();
        }

        _pdbs.Clear();
        _readyToRun.Clear();
    }

    /// <summary>Whether a module (file name without directory) is MemTrack's own, so its allocations are the tracer's.</summary>
    internal static bool IsTracerModule(string moduleName) => TracerModuleNames.Contains(moduleName);

    internal static bool IsFrameworkModule(string modulePath)
    {
        string name = Path.GetFileName(modulePath);
        return name.StartsWith("System.", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase)
            || name.Equals("mscorlib.dll", StringComparison.OrdinalIgnoreCase)
            || name.Equals("netstandard.dll", StringComparison.OrdinalIgnoreCase)
            || NormalizeDirectory(Path.GetDirectoryName(modulePath) ?? string.Empty).Equals(RuntimeDirectory, StringComparison.Ordinal);
    }

    private static string NormalizeDirectory(string path) => Path.TrimEndingDirectorySeparator(path);

    private void ResolveUncached(ulong address, CallContext context, List<int> frames)
    {
        MethodCode? method = address == 0 ? null : Methods.Find(address - 1);
        if (method is null)
        {
            frames.Add(address == 0 ? UnknownFrameId : ResolveUnjitted(address, context));
            return;
        }

        uint returnOffset = (uint)(address - method.Start);
        if (method.Inlines is { } inlines && InnermostContext(method, inlines, returnOffset, context) is var innermost and > 0)
        {
            foreach (int inline in inlines.Chain(innermost))
            {
                if (inline == 0)
                {
                    break;
                }

                if (_inlinees.Find(inlines.Methods[inline], Methods, ModulePath) is { } inlinee)
                {
                    int frameId = Intern(inlinee.Name, inlinee.Token, inlinee.ModulePath, inlines.MapOf(inline), returnOffset, context, inlined: true);
                    frames.Add(frameId);
                    context = new CallContext(null, SimpleNames.OfMethod(inlinee.Name));
                }
                else
                {
                    // An inlinee that cannot be named leaves no frame; its caller's call is then not known either.
                    context = CallContext.None;
                }
            }
        }

        frames.Add(Intern(method.Name, method.Token, ModulePath(method.ModuleId), method.Map, returnOffset, context, inlined: false));
    }

    /// <summary>
    /// The inline context whose code made the call that returns to <paramref name="returnOffset"/>: that of the
    /// statement around it, unless what the call did (<paramref name="context"/>) rules its method out (no IL
    /// instruction of it fits) while another's fits: the nearest such context it was inlined into, else the only
    /// context of the tree that fits. Statements of small inlinees (a lambda's one expression) can have no mapping
    /// of their own, and a statement missing from the map leaves its code under the one before (often inlined).
    /// </summary>
    private int InnermostContext(MethodCode method, InlineTree inlines, uint returnOffset, CallContext context)
    {
        int around = inlines.ContextAt(returnOffset - 1);
        if (!context.IsKnown || Fits(method, inlines, around, context) != false)
        {
            return around;
        }

        foreach (int outer in inlines.Chain(around))
        {
            if (Fits(method, inlines, outer, context) != false)
            {
                return outer;
            }
        }

        int only = -1;
        for (int inline = 1; inline < inlines.Methods.Count; inline++)
        {
            if (Fits(method, inlines, inline, context) == true)
            {
                if (only >= 0)
                {
                    return around;
                }

                only = inline;
            }
        }

        return only >= 0 ? only : around;
    }

    /// <summary>Whether an IL instruction of the context's method fits what the call did; null when its IL cannot be read.</summary>
    private bool? Fits(MethodCode method, InlineTree inlines, int inline, CallContext context)
    {
        (int token, string modulePath) = inline == 0
            ? (method.Token, ModulePath(method.ModuleId))
            : _inlinees.Find(inlines.Methods[inline], Methods, ModulePath) is { } inlinee ? (inlinee.Token, inlinee.ModulePath) : (0, string.Empty);
        if (modulePath.Length == 0)
        {
            return null;
        }

        PdbLineReader pdb = GetPdb(modulePath);
        IlCallSite[] sites = pdb.CallSites(token);
        return sites.Length == 0 ? null : sites.Any(site => pdb.SiteNames(site) is var (type, callee) && context.Matches(type, callee));
    }

    /// <summary>
    /// The frame of code the runtime raised no method event for: precompiled (ReadyToRun) code, named from the image
    /// the runtime mapped at the address (<see cref="ReadyToRunImage"/>; file and line where the module has a PDB and
    /// the call is unambiguous in the method's IL, as R2R code has no IL map), or native code and stubs, a frame of
    /// their own per module and offset (so distinct unknown sites do not merge into one, mixing their types and sizes).
    /// </summary>
    private int ResolveUnjitted(ulong address, CallContext context)
    {
        ulong instruction = address - 1;
        if (_images.Find(instruction) is not var (path, imageBase))
        {
            return InternUnknown($"<unknown> 0x{instruction:x}", "<unknown>");
        }

        if (!_readyToRun.TryGetValue(path, out ReadyToRunImage? image))
        {
            image = ReadyToRunImage.Open(path);
            _readyToRun[path] = image;
        }

        uint rva = (uint)(instruction - imageBase);
        if (image?.FindMethod(rva) is var (token, begin, _) && image.MethodName(token) is { } name)
        {
            return Intern(name, token, path, map: null, returnOffset: rva + 1 - begin, context, inlined: false);
        }

        return InternUnknown($"<unknown> +0x{rva:x}", Path.GetFileName(path));
    }

    /// <summary>A frame of code no method covers: hidden as framework code, never the tracer's.</summary>
    private int InternUnknown(string name, string module)
    {
        var frame = new Frame(name, null, 0, module);
        if (!_frameIds.TryGetValue(frame, out int id))
        {
            id = _frames.Count;
            _frames.Add(frame);
            _kinds.Add((true, false));
            _frameIds[frame] = id;
        }

        return id;
    }

    /// <summary>The frame of a call in one method's code (the method itself or one inlined into it), interned.</summary>
    private int Intern(string methodName, int token, string modulePath, IlMap? map, uint returnOffset, CallContext context, bool inlined)
    {
        string moduleName = modulePath.Length == 0 ? "<unknown>" : Path.GetFileName(modulePath);
        SourceLocation? location = null;
        if (modulePath.Length != 0)
        {
            PdbLineReader pdb = GetPdb(modulePath);
            if (pdb.HasSymbols)
            {
                int mapped = map?.IlOffsetAt(returnOffset - 1) ?? -1;
                location = pdb.Find(token, CallSiteIlOffset(token, map, returnOffset, pdb, context, mapped));
            }
        }

        var frame = new Frame(methodName, location?.FileName, location?.LineNumber ?? 0, moduleName) { IsInlined = inlined };
        if (_frameIds.TryGetValue(frame, out int existing))
        {
            return existing;
        }

        int id = _frames.Count;
        _frames.Add(frame);
        _kinds.Add((
            modulePath.Length == 0 || IsFrameworkModule(modulePath),
            IsTracerModule(moduleName)));
        _frameIds[frame] = id;
        return id;
    }

    private string ModulePath(ulong moduleId) => _modulePaths.TryGetValue(moduleId, out string? path) ? path : string.Empty;

    /// <summary>
    /// The IL offset of the call that returns to <paramref name="returnOffset"/>. The IL map of optimized code (and of
    /// tier-0 code, in loops) keeps only some statements: the map's entry before the call (<paramref name="mapped"/>)
    /// is often an earlier statement (the loop condition, the statement before), as the allocating statement has no
    /// entry of its own. The call is one
    /// of the method's call-like IL instructions: those that fit <paramref name="context"/> (all of them when none
    /// does), narrowed when they lie on several lines to those between the mapped statements around the return
    /// address (<see cref="IlMap.CallWindowAt"/>). One line left: its last candidate. Several: the last one when
    /// the next statement starts right at the return address, else the map's entry. No candidate: the map's entry.
    /// </summary>
    private static int CallSiteIlOffset(int token, IlMap? map, uint returnOffset, PdbLineReader pdb, CallContext context, int mapped)
    {
        IlCallSite[] sites = pdb.CallSites(token);
        if (sites.Length == 0)
        {
            return mapped;
        }

        var candidates = new List<int>(sites.Length);
        if (context.IsKnown)
        {
            foreach (IlCallSite site in sites)
            {
                var (type, callee) = pdb.SiteNames(site);
                if (context.Matches(type, callee))
                {
                    candidates.Add(site.Offset);
                }
            }
        }

        if (candidates.Count == 0)
        {
            candidates.AddRange(sites.Select(site => site.Offset));
        }

        if (OnOneLine(candidates, token, pdb))
        {
            return candidates[^1];
        }

        if (map is null)
        {
            return mapped;
        }

        CallWindow window = map.CallWindowAt(returnOffset);
        candidates.RemoveAll(offset => offset < window.Low || offset >= window.High);
        if (candidates.Count == 0)
        {
            return mapped;
        }

        return OnOneLine(candidates, token, pdb) || window.NextAtReturn ? candidates[^1] : mapped;
    }

    private static bool OnOneLine(List<int> offsets, int methodToken, PdbLineReader pdb)
    {
        int? line = null;
        foreach (int offset in offsets)
        {
            int current = pdb.Find(methodToken, offset)?.LineNumber ?? 0;
            if (line is { } first && first != current)
            {
                return false;
            }

            line = current;
        }

        return true;
    }

    private PdbLineReader GetPdb(string modulePath)
    {
        if (!_pdbs.TryGetValue(modulePath, out PdbLineReader? reader))
        {
            reader = PdbLineReader.Open(modulePath);
            _pdbs[modulePath] = reader;
        }

        return reader;
    }
}
