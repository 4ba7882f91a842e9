using System.Runtime.CompilerServices;

namespace MemTrack.Tests.TestSupport;

/// <summary>Workloads for live-memory tests: lines that leak, lines that make garbage, with their line numbers.</summary>
internal static class LiveWorkloads
{
    /// <summary>Objects that escape to here are heap-allocated (the JIT cannot put them on the stack) and become garbage when replaced.</summary>
    public static readonly object?[] Sink = new object?[16];

    public static readonly int GarbageLine = Workloads.Line() + 9;
    public static readonly int LeakLine = Workloads.Line() + 11;

    /// <summary>A request loop: each request makes <paramref name="garbageBytes"/> of garbage and leaks <paramref name="leakBytes"/> into <paramref name="cache"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void HandleRequests(List<byte[]> cache, int requests, int garbageBytes, int leakBytes)
    {
        for (int i = 0; i < requests; i++)
        {
            Sink[i & 15] = new byte[garbageBytes];
            if (leakBytes > 0)
            {
                cache.Add(new byte[leakBytes]);
            }
        }

        Array.Clear(Sink);
    }

    public static readonly int SmallLine = Workloads.Line() + 7;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Small(byte[][] into)
    {
        for (int i = 0; i < into.Length; i++)
        {
            into[i] = new byte[1000];
        }
    }

    public static readonly int LargeLine = Workloads.Line() + 7;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Large(byte[][] into)
    {
        for (int i = 0; i < into.Length; i++)
        {
            into[i] = new byte[100_000];
        }
    }

    public static readonly int PinnedLine = Workloads.Line() + 7;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Pinned(byte[][] into)
    {
        for (int i = 0; i < into.Length; i++)
        {
            into[i] = GC.AllocateArray<byte>(50_000, pinned: true);
        }
    }

    public static readonly int KeptLargeLine = Workloads.Line() + 15;

    /// <summary>
    /// Large-object garbage with a 10 % large-object leak (kept in <see cref="s_held"/>): with background GC on, the
    /// runtime's concurrent sweep frees garbage arrays and hands their memory to kept ones between two GC starts.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void LargeRequests(int count)
    {
        var kept = new byte[count / 10][];
        for (int i = 0; i < count; i++)
        {
            Sink[0] = new byte[100_000];
            if (i % 10 == 0)
            {
                kept[i / 10] = new byte[100_016];
            }
        }

        Array.Clear(Sink);
        s_held = [kept];
    }

    public static readonly int PageGarbageLine = Workloads.Line() + 13;

    /// <summary>
    /// A request loop: a 10 KB page of garbage and a 1 KB array kept (in <see cref="s_held"/>) per request, as small
    /// objects; returns weak references to every 20th page.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static WeakReference[] PageRequests(int count)
    {
        var kept = new int[count][];
        var pages = new WeakReference[count / 20];
        for (int i = 0; i < count; i++)
        {
            int[] page = new int[2_500];
            Sink[0] = page;
            if (i % 20 == 0)
            {
                pages[i / 20] = new WeakReference(page);
            }

            kept[i] = new int[250];
        }

        Array.Clear(Sink);
        s_keptPages = kept;
        return pages;
    }

    private static int[][] s_keptPages = [];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void DropPages() => s_keptPages = [];

    /// <summary>
    /// Objects held only through this static field, allocated and dropped by methods that return nothing: the test
    /// methods never hold a reference themselves, so no JIT temporary of a debug build keeps a dropped object alive.
    /// </summary>
    private static byte[][][] s_held = [];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Hold(int small, int large, int pinned)
    {
        s_held = [new byte[small][], new byte[large][], new byte[pinned][]];
        Small(s_held[0]);
        Large(s_held[1]);
        Pinned(s_held[2]);
    }

    /// <summary>Drops every other held object.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void DropHalf()
    {
        foreach (byte[][] group in s_held)
        {
            for (int i = 0; i < group.Length; i += 2)
            {
                group[i] = null!;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void DropAll() => s_held = [];

    /// <summary>The generation of the first held small object.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int HeldGeneration() => GC.GetGeneration(s_held[0][1]);

    /// <summary>Allocates <paramref name="bytes"/> of short-lived small arrays (each escapes to <see cref="Sink"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Churn(long bytes)
    {
        for (long done = 0; done < bytes; done += 1024)
        {
            Sink[(int)(done >> 10) & 15] = new byte[1000];
        }

        Array.Clear(Sink);
    }
}
