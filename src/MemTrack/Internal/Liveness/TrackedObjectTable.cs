using MemTrack.Internal.Heap.Sampling;
using MemTrack.Internal.Sampling;
using MemTrack.Internal.Sites;

namespace MemTrack.Internal.Liveness;

/// <summary>
/// The sampled objects not yet known to be dead, sorted by address so that a GC's surviving and moved ranges find
/// the objects inside them by binary search (never a walk pointer by pointer). New samples go to an unsorted list and
/// are merged in when the next GC starts. Every death is reported to the <see cref="SiteTable"/>, which keeps each
/// site's live estimate. Bounded by <see cref="Capacity"/>; used only on the reader thread.
/// </summary>
internal sealed class TrackedObjectTable(SiteTable sites, int capacity = TrackedObjectTable.DefaultCapacity)
{
    /// <summary>
    /// Objects tracked at most: 1,000,000 (32 MB). At one sample per 100 KiB that is about 100 GB of live heap;
    /// samples beyond it are counted in <see cref="Untracked"/> and not in the live estimates.
    /// </summary>
    public const int DefaultCapacity = 1_000_000;

    private TrackedObject[] _sorted = new TrackedObject[256];
    private int _sortedCount;
    private TrackedObject[] _spare = new TrackedObject[256];
    private TrackedObject[] _fresh = new TrackedObject[256];
    private int _freshCount;
    private bool _hasRelocations;
    private ulong _nextSampleOrder;

    public int Capacity { get; } = capacity;

    public int Count => _sortedCount + _freshCount;

    /// <summary>Samples not tracked because the table was full.</summary>
    public long Untracked { get; private set; }

    /// <summary>Tracked objects found dead.</summary>
    public long Deaths { get; private set; }

    /// <summary>
    /// Every tracked object (sorted ones, then those sampled since the last GC, without merging them) with the
    /// traceback of its site.
    /// </summary>
    public SampledObject[] ToSampledObjects(Func<int, Traceback> tracebackOfSite)
    {
        var all = new SampledObject[Count];
        for (int i = 0; i < _sortedCount; i++)
        {
            all[i] = ToSampledObject(_sorted[i], tracebackOfSite);
        }

        for (int i = 0; i < _freshCount; i++)
        {
            all[_sortedCount + i] = ToSampledObject(_fresh[i], tracebackOfSite);
        }

        return all;
    }

    /// <summary>Starts tracking a sampled object and counts it as alive at its site.</summary>
    public void Track(ulong address, long size, int site) => Track(address, size, site, SampleStats.One(size));

    /// <summary>Starts tracking a sampled object, <paramref name="one"/> (its <see cref="SampleStats.One"/>), and counts it as alive at its site.</summary>
    public void Track(ulong address, long size, int site, in SampleStats one)
    {
        if (Count >= Capacity)
        {
            Untracked++;
            return;
        }

        if (_freshCount == _fresh.Length)
        {
            Array.Resize(ref _fresh, _fresh.Length * 2);
        }

        _fresh[_freshCount++] = new TrackedObject { Address = address, SampleOrder = _nextSampleOrder++, Size = size, Site = site, Flags = TrackedObjectFlags.Fresh };
        sites.AddLive(site, one);
    }

    /// <summary>
    /// Merges the objects sampled since the last GC into the sorted table. An older object whose memory a newer one
    /// now occupies died without a GC report (e.g. events were lost, or a background GC's concurrent sweep freed it
    /// and the memory was allocated again before the next GC started) and is dropped.
    /// </summary>
    public void Merge()
    {
        if (_freshCount == 0)
        {
            return;
        }

        Array.Sort(_fresh, 0, _freshCount, AddressComparer.Instance);
        int total = _sortedCount + _freshCount;
        if (_spare.Length < total)
        {
            _spare = new TrackedObject[Math.Max(total, Math.Min(Capacity, _sorted.Length * 2))];
        }

        TrackedObject[] merged = _spare;
        int i = 0, j = 0, n = 0;
        while (i < _sortedCount || j < _freshCount)
        {
            bool takeOld = j >= _freshCount || (i < _sortedCount && _sorted[i].Address <= _fresh[j].Address);
            merged[n++] = takeOld ? _sorted[i++] : _fresh[j++];
        }

        _spare = _sorted;
        _sorted = merged;
        _sortedCount = n;
        _freshCount = 0;
        DropOverlapped();
        ShrinkIfMostlyEmpty();
    }

    /// <summary>Flags every sorted object whose address is in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public void Mark(ulong start, ulong end, TrackedObjectFlags flag)
    {
        foreach (ref TrackedObject entry in Within(start, end))
        {
            entry.Flags |= flag;
        }
    }

    /// <summary>Flags every sorted object.</summary>
    public void MarkAll(TrackedObjectFlags flag)
    {
        for (int i = 0; i < _sortedCount; i++)
        {
            _sorted[i].Flags |= flag;
        }
    }

    /// <summary>
    /// Replaces <paramref name="from"/> by <paramref name="to"/> on every sorted object, and flags
    /// <paramref name="to"/> every object not <see cref="TrackedObjectFlags.Reported"/> yet: a GC announced as
    /// background that turns out to be a blocking one condemns, from then on, all that it has not reported.
    /// </summary>
    public void CondemnUnreported(TrackedObjectFlags from, TrackedObjectFlags to)
    {
        for (int i = 0; i < _sortedCount; i++)
        {
            ref TrackedObject entry = ref _sorted[i];
            entry.Flags &= ~from;
            if ((entry.Flags & TrackedObjectFlags.Reported) == 0)
            {
                entry.Flags |= to;
            }
        }
    }

    /// <summary>Clears <paramref name="flag"/> on every sorted object.</summary>
    public void ClearFlag(TrackedObjectFlags flag)
    {
        for (int i = 0; i < _sortedCount; i++)
        {
            _sorted[i].Flags &= ~flag;
        }
    }

    /// <summary>
    /// The objects that lie wholly in [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>)
    /// survive the GCs in progress.
    /// </summary>
    /// <remarks>
    /// Only whole objects: the runtime reports one range per plug (a run of whole live objects, from the first one's
    /// address to the end of the last one) or, in a background GC's survivor walk, per run of objects between two free
    /// blocks; the tracked size is the allocated size, never more than the object's aligned extent. So a live object
    /// always lies wholly in one range, also where the GC splits a run (at a pinned object: an object boundary) and
    /// where the ranges fill several bulk events (the runtime flushes a full buffer between two ranges, never inside
    /// one). A tracked object that a range covers only in part is dead: its memory was freed and reused by smaller
    /// live objects, the first of which starts where it started or inside it; taken for a survivor, it would stay live
    /// for good.
    /// </remarks>
    public void Survive(ulong start, ulong length)
    {
        ulong end = start + length;
        foreach (ref TrackedObject entry in Within(start, end))
        {
            if (entry.End <= end)
            {
                entry.Flags = (entry.Flags & ~TrackedObjectFlags.AnyCondemned) | TrackedObjectFlags.Reported;
            }
        }
    }

    /// <summary>
    /// The objects that lie wholly in the old range survive and move by (<paramref name="newStart"/> -
    /// <paramref name="oldStart"/>) (only whole objects, as in <see cref="Survive"/>); the move is applied when the GC ends, so that every
    /// range of one GC is read against the addresses before it.
    /// </summary>
    public void Move(ulong oldStart, ulong newStart, ulong length)
    {
        ulong end = oldStart + length;
        foreach (ref TrackedObject entry in Within(oldStart, end))
        {
            if ((entry.Flags & TrackedObjectFlags.Relocated) != 0 || entry.End > end)
            {
                continue;
            }

            entry.NewAddress = entry.Address - oldStart + newStart;
            entry.Flags = (entry.Flags & ~TrackedObjectFlags.AnyCondemned) | TrackedObjectFlags.Relocated | TrackedObjectFlags.Reported;
            _hasRelocations |= entry.NewAddress != entry.Address;
        }
    }

    /// <summary>
    /// Ends a GC: the objects still flagged <paramref name="condemned"/> died; with <paramref name="applyMoves"/>, the
    /// moved ones take their new addresses (without, their moves wait for the GC still in progress). Clears every
    /// <see cref="TrackedObjectFlags.Reported"/> flag. Returns the number of deaths.
    /// </summary>
    public int EndGc(TrackedObjectFlags condemned, bool applyMoves)
    {
        int kept = 0, dead = 0;
        for (int i = 0; i < _sortedCount; i++)
        {
            TrackedObject entry = _sorted[i];
            if ((entry.Flags & condemned) != 0)
            {
                sites.RemoveLive(entry.Site, SampleStats.One(entry.Size));
                dead++;
                continue;
            }

            if (applyMoves && (entry.Flags & TrackedObjectFlags.Relocated) != 0)
            {
                entry.Address = entry.NewAddress;
                entry.Flags &= ~TrackedObjectFlags.Relocated;
            }

            entry.Flags &= ~TrackedObjectFlags.Reported;

            _sorted[kept++] = entry;
        }

        _sortedCount = kept;
        if (dead > 0)
        {
            sites.PublishLive();
        }

        if (applyMoves && _hasRelocations)
        {
            Array.Sort(_sorted, 0, _sortedCount, AddressComparer.Instance);
            _hasRelocations = false;
            DropOverlapped();
        }

        Deaths += dead;
        ShrinkIfMostlyEmpty();
        return dead;
    }

    /// <summary>Forgets every object (ClearTraces); the site table is cleared by its owner.</summary>
    public void Clear()
    {
        _sorted = new TrackedObject[256];
        _spare = new TrackedObject[256];
        _fresh = new TrackedObject[256];
        _sortedCount = 0;
        _freshCount = 0;
        _hasRelocations = false;
        Untracked = 0;
    }

    public long EstimateBytes() => (_sorted.Length + (long)_spare.Length + _fresh.Length) * System.Runtime.CompilerServices.Unsafe.SizeOf<TrackedObject>();

    /// <summary>Copies the objects, sorted by address (tests and diagnostics).</summary>
    internal TrackedObject[] ToArray()
    {
        Merge();
        return _sorted.AsSpan(0, _sortedCount).ToArray();
    }

    /// <summary>Gives memory back after mass deaths: arrays more than four times too big shrink to twice the need.</summary>
    private void ShrinkIfMostlyEmpty()
    {
        int needed = Math.Max(256, 2 * _sortedCount);
        if (_sorted.Length > 4 * needed)
        {
            Array.Resize(ref _sorted, needed);
            _spare = new TrackedObject[needed];
        }

        if (_freshCount == 0 && _fresh.Length > 4096)
        {
            _fresh = new TrackedObject[256];
        }
    }

    /// <summary>The sorted objects whose address is in [<paramref name="start"/>, <paramref name="end"/>), found by binary search.</summary>
    private Span<TrackedObject> Within(ulong start, ulong end)
    {
        int from = LowerBound(start);
        int to = from;
        while (to < _sortedCount && _sorted[to].Address < end)
        {
            to++;
        }

        return _sorted.AsSpan(from, to - from);
    }

    private int LowerBound(ulong address)
    {
        int lo = 0, hi = _sortedCount;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (_sorted[mid].Address < address)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// Two tracked objects cannot share memory: where they do, the older sample died unseen (its memory was reused)
    /// and goes: the one that is not fresh, or of two fresh ones the one sampled first (a background GC's concurrent
    /// sweep can free an object and let its memory be allocated again with no GC start in between). Clears the fresh
    /// flags.
    /// </summary>
    private void DropOverlapped()
    {
        int kept = 0;
        for (int i = 0; i < _sortedCount; i++)
        {
            TrackedObject entry = _sorted[i];
            if (kept > 0 && _sorted[kept - 1].End > entry.Address)
            {
                ref TrackedObject previous = ref _sorted[kept - 1];
                bool previousIsStale = (previous.Flags & TrackedObjectFlags.Fresh) == 0
                    || ((entry.Flags & TrackedObjectFlags.Fresh) != 0 && previous.SampleOrder < entry.SampleOrder);
                TrackedObject stale = previousIsStale ? previous : entry;
                sites.RemoveLive(stale.Site, SampleStats.One(stale.Size));
                Deaths++;
                if (previousIsStale)
                {
                    previous = entry;
                }

                continue;
            }

            _sorted[kept++] = entry;
        }

        for (int i = 0; i < kept; i++)
        {
            _sorted[i].Flags &= ~TrackedObjectFlags.Fresh;
        }

        if (kept < _sortedCount)
        {
            sites.PublishLive();
        }

        _sortedCount = kept;
    }

    private static SampledObject ToSampledObject(in TrackedObject tracked, Func<int, Traceback> tracebackOfSite) =>
        new(tracked.Address, tracked.Size, tracebackOfSite(tracked.Site));

    private sealed class AddressComparer : IComparer<TrackedObject>
    {
        public static readonly AddressComparer Instance = new();

        public int Compare(TrackedObject x, TrackedObject y) => x.Address.CompareTo(y.Address);
    }
}
