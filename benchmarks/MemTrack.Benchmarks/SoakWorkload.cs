using System.Runtime.CompilerServices;

namespace MemTrack.Benchmarks;

/// <summary>
/// The workload of <c>--soak</c>: allocation at full speed from <see cref="Sites"/> distinct call stacks. A site number
/// is written in base 10 and <see cref="Descend"/> spells it out, one digit per level, each digit through its own
/// call site (its own line, with its own constant argument so the JIT cannot merge the ten calls), so every number
/// reaches <see cref="Leaf"/> through its own stack of <see cref="Levels"/> frames. The leaf allocates one byte array;
/// one in <see cref="KeepEvery"/> replaces one of the <see cref="KeptPerSite"/> objects its site keeps alive, the
/// others die young. The methods are compiled optimized at once (no tier-0 code, no on-stack replacement): code
/// versions of one method can map the same call to different lines (tier-0 code put the leaf's allocation on its own
/// line, tier-1 code on the line before), and each version would count as another set of traces.
/// </summary>
internal static class SoakWorkload
{
    public const int Sites = 20_000;

    /// <summary>Digits (levels of <see cref="Descend"/>) of the largest site number.</summary>
    public const int Levels = 5;

    public const int KeptPerSite = 2;

    public const int KeepEvery = 16;

    private static readonly int[] Divisors = [10_000, 1_000, 100, 10, 1];

    private static readonly object?[] Kept = new object?[Sites * KeptPerSite];

    // A power of two, so that the slot is a mask of the counter.
    private static readonly object?[] Sink = new object?[64];

    private static volatile bool s_stop;
    private static long s_visits;

    /// <summary>Leaf visits so far (one allocation each).</summary>
    public static long Visits => Interlocked.Read(ref s_visits);

    /// <summary>Allocates until <see cref="RequestStop"/>, visiting the sites in a pseudo-random order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run()
    {
        ulong random = 0x9E3779B97F4A7C15UL;
        while (!s_stop)
        {
            for (int i = 0; i < 1_000; i++)
            {
                random ^= random >> 12;
                random ^= random << 25;
                random ^= random >> 27;
                int site = (int)((random * 0x2545F4914F6CDD1DUL) >> 33) % Sites;
                _ = Descend(site, 0, 0);
            }
        }
    }

    public static void RequestStop() => s_stop = true;

    /// <summary>Drops what the sites keep.</summary>
    public static void Clear()
    {
        Array.Clear(Kept);
        Array.Clear(Sink);
    }

    /// <summary>One level per digit; every call is followed by an addition, so none is a tail call that would drop a frame.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Descend(int site, int level, int salt)
    {
        if (level == Levels)
        {
            return Leaf(site, salt);
        }

        int next = level + 1;
        switch (site / Divisors[level] % 10)
        {
            case 0: return Descend(site, next, salt + 0) + 1;
            case 1: return Descend(site, next, salt + 1) + 2;
            case 2: return Descend(site, next, salt + 2) + 3;
            case 3: return Descend(site, next, salt + 3) + 4;
            case 4: return Descend(site, next, salt + 4) + 5;
            case 5: return Descend(site, next, salt + 5) + 6;
            case 6: return Descend(site, next, salt + 6) + 7;
            case 7: return Descend(site, next, salt + 7) + 8;
            case 8: return Descend(site, next, salt + 8) + 9;
            default: return Descend(site, next, salt + 9) + 10;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int Leaf(int site, int salt)
    {
        long visit = Interlocked.Increment(ref s_visits);
        byte[] data = new byte[16 + (int)((((uint)site * 2654435761u) + (uint)visit + (uint)salt) % 1_000)];
        if (visit % KeepEvery == 0)
        {
            Kept[(site * KeptPerSite) + (int)(visit / KeepEvery % KeptPerSite)] = data;
        }
        else
        {
            Sink[visit & (Sink.Length - 1)] = data;
        }

        return data.Length;
    }
}
