using MemTrack.Internal.Sampling;

namespace MemTrack.Internal.Sites;

/// <summary>
/// The bounded table of allocation sites: (stack id, type id) to the <see cref="SampleStats"/> of the samples
/// allocated there and of those still alive. Once <see cref="MaxSites"/> sites exist, samples of new sites go to one
/// overflow entry, so totals stay whole while the table stays bounded. Adding a sample to a known site does not
/// allocate. Mutated only on the reader thread; <see cref="LiveBytes"/> and <see cref="PeakLiveBytes"/> may be read
/// from any thread.
/// </summary>
internal sealed class SiteTable(int maxSites)
{
    /// <summary>Slot of the overflow entry.</summary>
    public const int OverflowSlot = -1;

    private readonly Dictionary<long, int> _index = [];
    private SiteEntry[] _entries = new SiteEntry[Math.Min(maxSites, 1024)];
    private SampleStats _overflowLive;
    private SampleStats _totalLive;
    private long _liveBytes;
    private long _peakLiveBytes;

    public int MaxSites { get; } = maxSites;

    public int Count { get; private set; }

    /// <summary>Samples of sites that did not fit.</summary>
    public SampleStats Overflow;

    /// <summary>Live samples of sites that did not fit.</summary>
    public SampleStats OverflowLive => _overflowLive;

    /// <summary>Estimated bytes of the sampled objects not known to be dead, over all sites.</summary>
    public long LiveBytes => Volatile.Read(ref _liveBytes);

    /// <summary>Highest <see cref="LiveBytes"/> since the table was created, cleared, or the peak was reset.</summary>
    public long PeakLiveBytes => Volatile.Read(ref _peakLiveBytes);

    public ReadOnlySpan<SiteEntry> Entries => _entries.AsSpan(0, Count);

    /// <summary>Adds an allocation sample and returns its site's slot (<see cref="OverflowSlot"/> when the table is full).</summary>
    public int Add(int stackId, int typeId, long objectSize) => Add(stackId, typeId, SampleStats.One(objectSize));

    /// <summary>Adds <paramref name="one"/>, a sample's <see cref="SampleStats.One"/>, and returns its site's slot (<see cref="OverflowSlot"/> when the table is full).</summary>
    public int Add(int stackId, int typeId, in SampleStats one)
    {
        long key = ((long)stackId << 32) | (uint)typeId;
        if (_index.TryGetValue(key, out int slot))
        {
            _entries[slot].Stats.Add(one);
            return slot;
        }

        if (Count >= MaxSites)
        {
            Overflow.Add(one);
            return OverflowSlot;
        }

        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Math.Min(MaxSites, _entries.Length * 2));
        }

        slot = Count++;
        _entries[slot] = new SiteEntry(stackId, typeId);
        _entries[slot].Stats.Add(one);
        _index[key] = slot;
        return slot;
    }

    /// <summary>Counts a sampled object of the site in <paramref name="slot"/> as alive.</summary>
    public void AddLive(int slot, long objectSize) => AddLive(slot, SampleStats.One(objectSize));

    /// <summary>Counts a sampled object of the site in <paramref name="slot"/>, <paramref name="one"/>, as alive.</summary>
    public void AddLive(int slot, in SampleStats one)
    {
        LiveStats(slot).Add(one);
        _totalLive.Add(one);
        PublishLive();
        if (_liveBytes > _peakLiveBytes)
        {
            Volatile.Write(ref _peakLiveBytes, _liveBytes);
        }
    }

    /// <summary>Takes back a sampled object of the site in <paramref name="slot"/> that died, and publishes <see cref="LiveBytes"/>.</summary>
    public void RemoveLive(int slot, long objectSize)
    {
        RemoveLive(slot, SampleStats.One(objectSize));
        PublishLive();
    }

    /// <summary>
    /// Takes back <paramref name="one"/>, a sampled object of the site in <paramref name="slot"/> that died, without
    /// publishing <see cref="LiveBytes"/>: call <see cref="PublishLive"/> after the last death of a batch.
    /// </summary>
    public void RemoveLive(int slot, in SampleStats one)
    {
        LiveStats(slot).Remove(one);
        _totalLive.Remove(one);
    }

    /// <summary>Publishes <see cref="LiveBytes"/> (the peak is raised where live grows, in <see cref="AddLive(int, in SampleStats)"/>).</summary>
    public void PublishLive() => Volatile.Write(ref _liveBytes, Math.Max(_totalLive.RoundedSize, 0));

    /// <summary>Restarts the peak from the current live bytes (tracemalloc's <c>reset_peak</c>).</summary>
    public void ResetPeak() => Volatile.Write(ref _peakLiveBytes, LiveBytes);

    public long EstimateBytes() => (_entries.Length * (long)System.Runtime.CompilerServices.Unsafe.SizeOf<SiteEntry>()) + (_index.Count * 24L);

    public void Clear()
    {
        _index.Clear();
        Count = 0;
        Overflow = default;
        _overflowLive = default;
        _totalLive = default;
        Volatile.Write(ref _liveBytes, 0);
        Volatile.Write(ref _peakLiveBytes, 0);
    }

    private ref SampleStats LiveStats(int slot) => ref slot == OverflowSlot ? ref _overflowLive : ref _entries[slot].Live;
}
