namespace MemTrack.Internal.Decoding;

/// <summary>One body of jitted (or ready-to-run) code: where it lives, what method it is, and its IL map.</summary>
internal sealed class MethodCode(ulong start, uint size, ulong methodId, ulong moduleId, int token, string name)
{
    /// <summary>The IL offset the runtime gives an epilog (ICorDebugInfo::EPILOG).</summary>
    private const int Epilog = -3;

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

    /// <summary>
    /// Where in the IL the call that returns to <paramref name="returnOffset"/> can be, when the map leaves statements
    /// out (optimized code, and loops at tier 0). The call was emitted before the first mapped statement whose code starts at or after the
    /// return address (the next statement), so it is an IL instruction before that statement's offset
    /// (<see cref="CallWindow.High"/>, or the end of the IL when the next entry is the epilog or there is none), and
    /// after the largest mapped IL offset below it (<see cref="CallWindow.Low"/>), since a mapped statement has code of
    /// its own. Null without a map.
    /// </summary>
    public CallWindow? CallWindowAt(uint returnOffset)
    {
        if (NativeOffsets is not { } natives || IlOffsets is not { } ils)
        {
            return null;
        }

        int next = -1;
        for (int i = 0; i < natives.Length; i++)
        {
            if (natives[i] >= returnOffset && (ils[i] >= 0 || ils[i] == Epilog) && (next < 0 || natives[i] < natives[next]))
            {
                next = i;
            }
        }

        int high = next < 0 || ils[next] < 0 ? int.MaxValue : ils[next];
        int low = 0;
        foreach (int il in ils)
        {
            if (il >= 0 && il < high && il > low)
            {
                low = il;
            }
        }

        return new CallWindow(low, high, next >= 0 && natives[next] == returnOffset);
    }
}
