using System.Runtime.CompilerServices;
using System.Text;

namespace MemTrack.Benchmarks;

/// <summary>
/// The workload of <c>--accuracy</c>: allocation sites with a known mix, each its own method (never inlined), so that a
/// snapshot's statistics by method give one line per site. Every allocation of a site is made in the site's method or
/// in framework code it calls (hidden frames), and each site keeps its exact account in a <see cref="SiteTally"/>.
/// The objects escape to a small static array, so the JIT cannot put them on the stack, and die young.
/// </summary>
internal static class AccuracySites
{
    /// <summary>The sites, biggest share first. The shares are of the bytes the workload asks for; the exact bytes are measured.</summary>
    public static readonly Site[] All =
    [
        new("SmallObjects", "small objects, 24 and 32 B", 0.40, SmallObjects),
        new("Arrays", "byte/int/long arrays, 40 B to 8 KB", 0.25, Arrays),
        new("Strings", "strings of 4 to 500 chars", 0.12, Strings),
        new("MixedWithLoh", "LOH byte arrays of 100 KB to 1 MB (about half), small objects and arrays", 0.10, MixedWithLoh),
        new("ObjectArrays", "object[] of 2 to 64", 0.03, ObjectArrays),
        new("ListGrowth", "List<int> growing to 0-1,000 items (allocations inside List<T>)", 0.03, ListGrowth),
        new("Boxing", "boxed ints, 24 B", 0.03, Boxing),
        new("CharArrays", "char[] of 1 to 1,000", 0.02, CharArrays),
        new("DoubleArrays", "double[] of 1,000 to 10,000 (8 to 80 KB)", 0.01, DoubleArrays),
        new("StringBuilders", "StringBuilder appends and ToString", 0.005, StringBuilders),
        new("Dictionaries", "Dictionary<int, int> of capacity 1 to 200", 0.004, Dictionaries),
        new("Rare", "byte[64]", 0.001, Rare),
    ];

    // A power of two, so that the slot is a mask of the counter.
    private static readonly object?[] Sink = new object?[256];
    private static int s_next;
    private static ulong s_random = 1;

    /// <summary>One site's body: allocates until its tally's budget is spent.</summary>
    public delegate void SiteBody(ref SiteTally tally);

    /// <summary>The full name frames of this site's method carry (<see cref="Frame.Method"/>).</summary>
    public static string MethodName(Site site) => typeof(AccuracySites).FullName + "." + site.Name;

    /// <summary>Restarts the size sequence, so that run <paramref name="seed"/> allocates the same sizes every time.</summary>
    public static void Seed(int seed) => s_random = (ulong)seed * 0x9E3779B97F4A7C15UL | 1;

    /// <summary>Drops the objects still referenced from the sink.</summary>
    public static void Clear() => Array.Clear(Sink);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SmallObjects(ref SiteTally t)
    {
        while (t.Next())
        {
            Keep((Random() & 1) == 0 ? new Pair() : new One());
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Arrays(ref SiteTally t)
    {
        while (t.Next())
        {
            ulong r = Random();
            Keep((r % 3) switch
            {
                0 => new byte[16 + (int)((r >> 8) % 8_000)],
                1 => new int[4 + (int)((r >> 8) % 2_000)],
                _ => new long[2 + (int)((r >> 8) % 1_000)],
            });
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Strings(ref SiteTally t)
    {
        while (t.Next())
        {
            Keep(new string('s', 4 + (int)(Random() % 497)));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MixedWithLoh(ref SiteTally t)
    {
        while (t.Next())
        {
            ulong r = Random();
            if ((r & 1023) == 0)
            {
                Keep(new byte[100_000 + (int)((r >> 10) % 900_000)]);
            }
            else if ((r & 3) == 0)
            {
                Keep(new Pair());
            }
            else
            {
                Keep(new byte[(int)((r >> 10) % 2_000)]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ObjectArrays(ref SiteTally t)
    {
        while (t.Next())
        {
            Keep(new object[2 + (int)(Random() % 63)]);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ListGrowth(ref SiteTally t)
    {
        while (t.Next())
        {
            var list = new List<int>();
            int items = (int)(Random() % 1_001);
            for (int i = 0; i < items; i++)
            {
                list.Add(i);
            }

            Keep(list);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Boxing(ref SiteTally t)
    {
        int i = 0;
        while (t.Next())
        {
            Keep(i++);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CharArrays(ref SiteTally t)
    {
        while (t.Next())
        {
            Keep(new char[1 + (int)(Random() % 1_000)]);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DoubleArrays(ref SiteTally t)
    {
        while (t.Next())
        {
            Keep(new double[1_000 + (int)(Random() % 9_001)]);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StringBuilders(ref SiteTally t)
    {
        while (t.Next())
        {
            var builder = new StringBuilder();
            int parts = 1 + (int)(Random() % 40);
            for (int i = 0; i < parts; i++)
            {
                builder.Append("part ").Append('x', i);
            }

            Keep(builder.ToString());
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Dictionaries(ref SiteTally t)
    {
        while (t.Next())
        {
            Keep(new Dictionary<int, int>(1 + (int)(Random() % 200)));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Rare(ref SiteTally t)
    {
        while (t.Next())
        {
            Keep(new byte[64]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep(object value) => Sink[s_next++ & (Sink.Length - 1)] = value;

    /// <summary>xorshift64*: deterministic and allocation-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Random()
    {
        ulong x = s_random;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s_random = x;
        return x * 0x2545F4914F6CDD1DUL;
    }

    /// <summary>One site: its method name, what it allocates, its share of the requested bytes, and its body.</summary>
    public sealed record Site(string Name, string Description, double Share, SiteBody Body);

    /// <summary>32 bytes: header, method table, two longs.</summary>
    private sealed class Pair
    {
        public long A = 1;
        public long B = 2;
    }

    /// <summary>24 bytes: header, method table, one int (padded).</summary>
    private sealed class One
    {
        public int A = 1;
    }
}
