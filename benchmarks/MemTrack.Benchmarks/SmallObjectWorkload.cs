namespace MemTrack.Benchmarks;

/// <summary>
/// Millions of tiny short-lived objects (<see cref="Item"/>, 32 bytes each): one in <see cref="KeepEvery"/> is kept in
/// the returned list, the others die young. The garbage escapes to a small static array (one per caller slot, so that
/// concurrent callers do not share it), so the JIT cannot allocate it on the stack.
/// </summary>
public static class SmallObjectWorkload
{
    public const int Objects = 40_000_000;
    public const int KeepEvery = 100;

    /// <summary>Caller slots: concurrent callers pass distinct slots.</summary>
    public const int Slots = 8;

    // Powers of two, so that the sink index is a mask of the object index.
    private static readonly object?[][] Sinks = [.. Enumerable.Range(0, Slots).Select(_ => new object?[64])];

    public static List<Item> Run() => Run(Objects, slot: 0);

    /// <summary>Allocates <paramref name="objects"/> items, keeps one in <see cref="KeepEvery"/>, returns the kept ones.</summary>
    public static List<Item> Run(int objects, int slot)
    {
        object?[] sink = Sinks[slot];
        var kept = new List<Item>((objects / KeepEvery) + 1);
        Item? previous = null;
        for (int i = 0; i < objects; i++)
        {
            var item = new Item(i, previous);
            if (i % KeepEvery == 0)
            {
                kept.Add(item);
                previous = item;
            }
            else
            {
                sink[i & (sink.Length - 1)] = item;
            }
        }

        Array.Clear(sink);
        return kept;
    }

    /// <summary>A tiny object: an id and a link to the last kept item.</summary>
    public sealed class Item(int id, Item? previous)
    {
        public int Id { get; } = id;

        public Item? Previous { get; } = previous;
    }
}
