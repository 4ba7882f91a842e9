namespace MemTrack.Internal.Decoding;

/// <summary>One body of jitted (or ready-to-run) code: where it lives, what method it is, its IL map and its inlining.</summary>
internal sealed class MethodCode(ulong start, uint size, ulong methodId, ulong moduleId, int token, string name)
{
    public ulong Start { get; } = start;

    public ulong End { get; } = start + size;

    public ulong MethodId { get; } = methodId;

    public ulong ModuleId { get; } = moduleId;

    public int Token { get; } = token;

    public string Name { get; } = name;

    /// <summary>The plain IL map (MethodILToNativeMap); null until it arrives.</summary>
    public IlMap? Map { get; set; }

    /// <summary>What the JIT inlined into this body, from rich debug info; null without it.</summary>
    public InlineTree? Inlines { get; set; }
}
