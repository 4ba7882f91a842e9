using MemTrack.Internal.Analysis;
using MemTrack.Internal.Decoding;
using MemTrack.Internal.Sites;

namespace MemTrack.Internal.Snapshots;

/// <summary>
/// Copies the site table (allocated and live statistics of every site) into an immutable <see cref="Snapshot"/>. Runs on the reader thread (so its allocations are
/// the tracer's own, never sampled as the user's). Tracebacks are built once per stack and reused across snapshots.
/// </summary>
internal sealed class SnapshotBuilder(FrameResolver frames, StackTable stacks, SiteTable sites, AllocationDecoder decoder)
{
    /// <summary>Type name of the overflow trace that collects sites beyond <see cref="MemTrackerOptions.MaxSites"/>.</summary>
    public const string OtherSitesName = "<other sites>";

    private static readonly Traceback OtherSites = new([new Frame(OtherSitesName, null, 0, "MemTrack")]);

    private readonly Dictionary<int, Traceback> _tracebacks = [];

    public Snapshot Build(SnapshotInfo info)
    {
        ReadOnlySpan<SiteEntry> entries = sites.Entries;
        var traces = new List<Trace>(entries.Length + 1);
        foreach (ref readonly SiteEntry entry in entries)
        {
            traces.Add(new Trace(GetTraceback(entry.StackId), decoder.GetTypeName(entry.TypeId), entry.Stats, entry.Live));
        }

        if (sites.Overflow.Samples > 0)
        {
            traces.Add(new Trace(OtherSites, OtherSitesName, sites.Overflow, sites.OverflowLive));
        }

        return new Snapshot(info, traces.AsReadOnly());
    }

    /// <summary>The traceback of the site in a site-table slot (<see cref="SiteTable.OverflowSlot"/>: the other sites).</summary>
    public Traceback TracebackOfSlot(int slot) => slot == SiteTable.OverflowSlot ? OtherSites : GetTraceback(sites.Entries[slot].StackId);

    /// <summary>Forgets cached tracebacks; stack ids are reused after the stack table is cleared.</summary>
    public void Clear() => _tracebacks.Clear();

    public long EstimateBytes() => _tracebacks.Count * 64L;

    private Traceback GetTraceback(int stackId)
    {
        StackKey key = stacks.Get(stackId);
        if (!_tracebacks.TryGetValue(stackId, out Traceback? traceback) || traceback.TotalFrames != key.TotalFrames)
        {
            var list = new Frame[key.FrameIds.Length];
            for (int i = 0; i < list.Length; i++)
            {
                list[i] = frames.GetFrame(key.FrameIds[i]);
            }

            traceback = new Traceback(list, key.TotalFrames);
            _tracebacks[stackId] = traceback;
        }

        return traceback;
    }
}
