using MemTrack.Internal.Sampling;

namespace MemTrack.Internal.Sites;

/// <summary>
/// The bounded table of allocation sites: (stack id, type id) to <see cref="SampleStats"/>. Once
/// <see cref="MaxSites"/> sites exist, samples of new sites go to one overflow entry, so totals stay whole while the
/// table stays bounded. Adding a sample to a known site does not allocate. Used only on the reader thread.
/// </summary>
internal sealed class SiteTable(int maxSites)
{
    private readonly Dictionary<long, int> _index = [];
    private SiteEntry[] _entries = new SiteEntry[Math.Min(maxSites, 1024)];

    public int MaxSites { get; } = maxSites;

    public int Count { get; private set; }

    /// <summary>Samples of sites that did not fit.</summary>
    public SampleStats Overflow;

    public void Add(int stackId, int typeId, long objectSize)
    {
        long key = ((long)stackId << 32) | (uint)typeId;
        if (_index.TryGetValue(key, out int slot))
        {
            _entries[slot].Stats.Add(objectSize);
            return;
        }

        if (Count >= MaxSites)
        {
            Overflow.Add(objectSize);
            return;
        }

        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Min(MaxSites, _entries.Length * 2));
        }

        slot = Count++;
        _entries[slot] = new SiteEntry(stackId, typeId);
        _entries[slot].Stats.Add(objectSize);
        _index[key] = slot;
    }

    public ReadOnlySpan<SiteEntry> Entries => _entries.AsSpan(0, Count);

    public long EstimateBytes() => (_entries.Length * (long)System.Runtime.CompilerServices.Unsafe.SizeOf<SiteEntry>()) + (_index.Count * 24L);

    public void Clear()
    {
        _index.Clear();
        Count = 0;
        Overflow = default;
    }
}
