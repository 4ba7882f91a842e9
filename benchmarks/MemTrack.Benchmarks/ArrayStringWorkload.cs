using System.Globalization;
using System.Text;

namespace MemTrack.Benchmarks;

/// <summary>
/// Arrays and strings: per iteration a byte[] and an int[] of mixed small sizes (16 B to 4 KB), a concatenated string,
/// a number formatted as a string and a string built with a <see cref="StringBuilder"/>; every
/// <see cref="LargeEvery"/>th iteration a byte[] or int[] of 100 to 220 KB (large object heap, over 85,000 bytes).
/// One object in <see cref="KeepEvery"/> iterations and one large array in <see cref="LargeKeptEvery"/> are kept; the
/// rest escapes to a small static array and dies young.
/// </summary>
public static class ArrayStringWorkload
{
    public const int Iterations = 2_000_000;
    public const int LargeEvery = 1_000;
    public const int KeepEvery = 50;
    public const int LargeKeptEvery = 20;

    private static readonly int[] ByteSizes = [16, 40, 100, 256, 700, 1_500, 4_000];
    private static readonly int[] IntSizes = [4, 12, 30, 64, 200];
    private static readonly object?[] Sink = new object?[64];

    public static List<object> Run()
    {
        var kept = new List<object>((Iterations / KeepEvery) + 1);
        var builder = new StringBuilder();
        for (int i = 0; i < Iterations; i++)
        {
            var bytes = new byte[ByteSizes[i % ByteSizes.Length]];
            var ints = new int[IntSizes[i % IntSizes.Length]];
            string number = i.ToString(CultureInfo.InvariantCulture);
            string name = string.Concat("item-", number, "/", ByteSizes[i % ByteSizes.Length].ToString(CultureInfo.InvariantCulture));
            builder.Clear().Append("order ").Append(i).Append(" of customer ").Append(i % 997).Append(": ").Append(name);
            string built = builder.ToString();
            object? large = null;
            if (i % LargeEvery == 0)
            {
                large = (i / LargeEvery) % 2 == 0 ? new byte[100_000 + ((i / LargeEvery) % 7 * 20_000)] : new int[30_000];
            }

            int slot = (i * 4) & (Sink.Length - 1);
            Sink[slot] = bytes;
            Sink[slot + 1] = ints;
            Sink[slot + 2] = name;
            Sink[slot + 3] = built;
            if (i % KeepEvery == 0)
            {
                kept.Add((i / KeepEvery % 4) switch { 0 => bytes, 1 => ints, 2 => name, _ => built });
            }

            if (large is not null && i / LargeEvery % LargeKeptEvery == 0)
            {
                kept.Add(large);
            }
        }

        Array.Clear(Sink);
        return kept;
    }
}
