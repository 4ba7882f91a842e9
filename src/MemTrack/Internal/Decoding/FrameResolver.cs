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
    private readonly Dictionary<Frame, int> _frameIds = [];
    private readonly List<Frame> _frames = [UnknownFrame];

    /// <summary>Per frame id: (hidden as framework, MemTrack's own code).</summary>
    private readonly List<(bool Framework, bool Tracer)> _kinds = [(true, false)];
    private readonly Dictionary<ulong, string> _modulePaths = [];
    private readonly Dictionary<string, PdbLineReader> _pdbs = new(StringComparer.Ordinal);

    public FrameResolver()
    {
        _frameIds[UnknownFrame] = UnknownFrameId;
    }

    public MethodMap Methods { get; } = new();

    public int FrameCount => _frames.Count;

    public Frame GetFrame(int frameId) => _frames[frameId];

    public bool IsFramework(int frameId) => _kinds[frameId].Framework;

    /// <summary>Whether the frame is MemTrack's own code: allocations made there are the tracer's, not the user's.</summary>
    public bool IsTracer(int frameId) => _kinds[frameId].Tracer;

    public void AddModule(ulong moduleId, string path)
    {
        if (!string.IsNullOrEmpty(path))
        {
            _modulePaths[moduleId] = path;
        }
    }

    /// <summary>
    /// Resolves a return address of a stack frame. The address is one past the call, so the instruction looked up is
    /// the one before it (<paramref name="address"/> - 1). <paramref name="context"/> says what the call did, where the
    /// stack tells (the allocated type on top, the callee below); in optimized code it picks the call's IL instruction.
    /// A return address is one call instruction, so the first resolution is cached for the address.
    /// </summary>
    public int Resolve(ulong address, CallContext context = default)
    {
        if (_frameIdByAddress.TryGetValue(address, out int cached))
        {
            return cached;
        }

        int frameId = ResolveUncached(address, context);
        _frameIdByAddress[address] = frameId;
        return frameId;
    }

    /// <summary>Approximate bytes held, for <see cref="MemTracker.GetTracerMemory"/>.</summary>
    public long EstimateBytes()
    {
        long bytes = (_frameIdByAddress.Count * 24L) + (_frameIds.Count * 32L) + (_modulePaths.Count * 64L) + Methods.EstimateBytes();
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

        _pdbs.Clear();
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

    private int ResolveUncached(ulong address, CallContext context)
    {
        ulong instruction = address == 0 ? 0 : address - 1;
        MethodCode? method = Methods.Find(instruction);
        if (method is null)
        {
            return UnknownFrameId;
        }

        string modulePath = _modulePaths.TryGetValue(method.ModuleId, out string? path) ? path : string.Empty;
        string moduleName = modulePath.Length == 0 ? "<unknown>" : Path.GetFileName(modulePath);
        SourceLocation? location = null;
        if (modulePath.Length != 0)
        {
            PdbLineReader pdb = GetPdb(modulePath);
            uint returnOffset = (uint)(address - method.Start);
            int ilOffset = CallSiteIlOffset(method, returnOffset, pdb, context, method.IlOffsetAt(returnOffset - 1));

            location = pdb.Find(method.Token, ilOffset);
        }

        var frame = new Frame(method.Name, location?.FileName, location?.LineNumber ?? 0, moduleName);
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

    /// <summary>
    /// The IL offset of the call that returns to <paramref name="returnOffset"/>. The IL map of optimized code (and of
    /// tier-0 code, in loops) keeps only some statements: the map's entry before the call (<paramref name="mapped"/>)
    /// is often an earlier statement (the loop condition, the statement before), as the allocating statement has no
    /// entry of its own. The call is one
    /// of the method's call-like IL instructions: those that fit <paramref name="context"/> (all of them when none
    /// does), narrowed when they lie on several lines to those between the mapped statements around the return
    /// address (<see cref="MethodCode.CallWindowAt"/>). One line left: its last candidate. Several: the last one when
    /// the next statement starts right at the return address, else the map's entry. No candidate: the map's entry.
    /// </summary>
    private static int CallSiteIlOffset(MethodCode method, uint returnOffset, PdbLineReader pdb, CallContext context, int mapped)
    {
        IlCallSite[] sites = pdb.CallSites(method.Token);
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

        if (OnOneLine(candidates, method.Token, pdb))
        {
            return candidates[^1];
        }

        if (method.CallWindowAt(returnOffset) is not { } window)
        {
            return mapped;
        }

        candidates.RemoveAll(offset => offset < window.Low || offset >= window.High);
        if (candidates.Count == 0)
        {
            return mapped;
        }

        return OnOneLine(candidates, method.Token, pdb) || window.NextAtReturn ? candidates[^1] : mapped;
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
