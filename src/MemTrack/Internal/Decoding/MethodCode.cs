namespace MemTrack.Internal.Decoding;

/// <summary>One body of jitted (or ready-to-run) code: where it lives, what method it is, and its IL map.</summary>
internal sealed class MethodCode(ulong start, uint size, ulong methodId, ulong moduleId, int token, string name)
{
    public ulong Start { get; } = start;

    public ulong End { get; } = start + size;

    public ulong MethodId { get; } = methodId;

    public ulong ModuleId { get; } = moduleId;

    public int Token { get; } = token;

    public string Name { get; } = name;

    /// <summary>Native offsets, ascending, paired with <see cref="IlOffsets"/>; null until the IL map arrives.</summary>
    public uint[]? NativeOffsets { get; set; }

    public int[]? IlOffsets { get; set; }

    /// <summary>
    /// The IL offset of the instruction at <paramref name="nativeOffset"/>: the entry with the largest native offset
    /// not after it, skipping the prolog/epilog/no-mapping markers (negative IL offsets). -1 when unknown.
    /// </summary>
    public int IlOffsetAt(uint nativeOffset)
    {
        if (NativeOffsets is not { } natives || IlOffsets is not { } ils)
        {
            return -1;
        }

        int best = -1;
        uint bestNative = 0;
        for (int i = 0; i < natives.Length; i++)
        {
            if (natives[i] <= nativeOffset && ils[i] >= 0 && (best < 0 || natives[i] >= bestNative))
            {
                best = ils[i];
                bestNative = natives[i];
            }
        }

        return best;
    }
}
