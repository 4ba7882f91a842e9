namespace MemTrack.Internal.Formatting;

/// <summary>How reports and the command line name a <see cref="MemoryKind"/>, one wording everywhere.</summary>
internal static class KindText
{
    /// <summary><c>live memory</c> or <c>allocated memory</c>.</summary>
    public static string Short(MemoryKind kind) => kind == MemoryKind.Live ? "live memory" : "allocated memory";

    /// <summary><c>Live memory</c> or <c>Allocated memory</c>: the short name capitalized, to start a title.</summary>
    public static string Title(MemoryKind kind) => kind == MemoryKind.Live ? "Live memory" : "Allocated memory";

    /// <summary>The short name with what it means: still alive, or everything allocated.</summary>
    public static string Long(MemoryKind kind) =>
        kind == MemoryKind.Live ? "live memory (estimated, still alive)" : "allocated memory (estimated, dead or alive)";
}
