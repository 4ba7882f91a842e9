namespace MemTrack.Internal.Decoding;

/// <summary>
/// One body's native-to-IL map: pairs of (native offset, IL offset), native offsets ascending or not. Negative IL
/// offsets are the runtime's markers (-1 no mapping, -2 prolog, -3 epilog). The plain map of a method
/// (MethodILToNativeMap) holds the method's own IL offsets; a rich map (<see cref="InlineTree"/>) one per inline context.
/// </summary>
internal sealed class IlMap(uint[] nativeOffsets, int[] ilOffsets)
{
    /// <summary>The IL offset the runtime gives an epilog (ICorDebugInfo::EPILOG).</summary>
    private const int Epilog = -3;

    public uint[] NativeOffsets { get; } = nativeOffsets;

    public int[] IlOffsets { get; } = ilOffsets;

    public int Count => NativeOffsets.Length;

    /// <summary>
    /// The IL offset of the instruction at <paramref name="nativeOffset"/>: the entry with the largest native offset
    /// not after it, skipping the prolog/epilog/no-mapping markers (negative IL offsets). -1 when unknown.
    /// </summary>
    public int IlOffsetAt(uint nativeOffset)
    {
        int best = -1;
        uint bestNative = 0;
        for (int i = 0; i < NativeOffsets.Length; i++)
        {
            if (NativeOffsets[i] <= nativeOffset && IlOffsets[i] >= 0 && (best < 0 || NativeOffsets[i] >= bestNative))
            {
                best = IlOffsets[i];
                bestNative = NativeOffsets[i];
            }
        }

        return best;
    }

    /// <summary>
    /// Where in the IL the call that returns to <paramref name="returnOffset"/> can be, when the map leaves statements
    /// out (optimized code, and loops at tier 0). The call was emitted before the first mapped statement whose code
    /// starts at or after the return address (the next statement), so it is an IL instruction before that statement's
    /// offset (<see cref="CallWindow.High"/>, or the end of the IL when the next entry is the epilog or there is none),
    /// and after the largest mapped IL offset below it (<see cref="CallWindow.Low"/>), since a mapped statement has
    /// code of its own.
    /// </summary>
    public CallWindow CallWindowAt(uint returnOffset)
    {
        int next = -1;
        for (int i = 0; i < NativeOffsets.Length; i++)
        {
            if (NativeOffsets[i] >= returnOffset && (IlOffsets[i] >= 0 || IlOffsets[i] == Epilog) && (next < 0 || NativeOffsets[i] < NativeOffsets[next]))
            {
                next = i;
            }
        }

        int high = next < 0 || IlOffsets[next] < 0 ? int.MaxValue : IlOffsets[next];
        int low = 0;
        foreach (int il in IlOffsets)
        {
            if (il >= 0 && il < high && il > low)
            {
                low = il;
            }
        }

        return new CallWindow(low, high, next >= 0 && NativeOffsets[next] == returnOffset);
    }

    /// <summary>Approximate bytes held.</summary>
    public long EstimateBytes() => 48 + (NativeOffsets.Length * 8L);
}
