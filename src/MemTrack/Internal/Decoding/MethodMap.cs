namespace MemTrack.Internal.Decoding;

/// <summary>
/// Code address ranges of managed methods, from the runtime's MethodLoadVerbose / MethodDCStopVerbose events, with
/// their IL-to-native maps and, with rich debug info, their inline trees. The runtime sends a method's IL map and rich
/// debug info next to its load event (the map before it, as TraceLog expects, the rich info after; every order is
/// handled). Lookups are binary searches over ranges sorted by start address. Used only on the reader thread.
/// </summary>
internal sealed class MethodMap
{
    private readonly List<MethodCode> _byStart = [];
    private readonly Dictionary<ulong, MethodCode> _lastByMethodId = [];
    private readonly Dictionary<ulong, IlMap> _pendingMaps = [];
    private readonly Dictionary<ulong, InlineTree> _pendingInlines = [];

    public int Count => _byStart.Count;

    public void AddMethod(MethodCode method)
    {
        int index = FindIndex(method.Start);
        if (index >= 0 && _byStart[index].Start == method.Start)
        {
            _byStart[index] = method;
        }
        else
        {
            _byStart.Insert(index + 1, method);
        }

        if (_pendingMaps.Remove(method.MethodId, out IlMap? map))
        {
            method.Map = map;
        }

        if (_pendingInlines.Remove(method.MethodId, out InlineTree? inlines))
        {
            method.Inlines = inlines;
        }

        _lastByMethodId[method.MethodId] = method;
    }

    public void AddIlMap(ulong methodId, uint[] nativeOffsets, int[] ilOffsets)
    {
        var map = new IlMap(nativeOffsets, ilOffsets);
        if (_lastByMethodId.TryGetValue(methodId, out MethodCode? method) && method.Map is null)
        {
            method.Map = map;
            return;
        }

        _pendingMaps[methodId] = map;
    }

    /// <summary>Pairs rich debug info with the method's latest code, or with the next code of that method to load.</summary>
    public void AddInlineTree(ulong methodId, InlineTree inlines)
    {
        if (_lastByMethodId.TryGetValue(methodId, out MethodCode? method) && method.Inlines is null)
        {
            method.Inlines = inlines;
            return;
        }

        _pendingInlines[methodId] = inlines;
    }

    /// <summary>The latest code loaded for a method id, if any.</summary>
    public MethodCode? FindById(ulong methodId) => _lastByMethodId.GetValueOrDefault(methodId);

    public MethodCode? Find(ulong address)
    {
        int index = FindIndex(address);
        if (index < 0)
        {
            return null;
        }

        MethodCode candidate = _byStart[index];
        return address < candidate.End ? candidate : null;
    }

    /// <summary>Approximate bytes held, for <see cref="MemTracker.GetTracerMemory"/>.</summary>
    public long EstimateBytes()
    {
        long bytes = (_byStart.Capacity * 8L) + (_lastByMethodId.Count * 40L) + (_pendingMaps.Count * 48L) + (_pendingInlines.Count * 48L);
        foreach (MethodCode method in _byStart)
        {
            bytes += 80 + (method.Name.Length * 2L) + (method.Map?.EstimateBytes() ?? 0) + (method.Inlines?.EstimateBytes() ?? 0);
        }

        return bytes;
    }

    /// <summary>Index of the last method starting at or before <paramref name="address"/>, or -1.</summary>
    private int FindIndex(ulong address)
    {
        int lo = 0;
        int hi = _byStart.Count - 1;
        int result = -1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) / 2);
            if (_byStart[mid].Start <= address)
            {
                result = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return result;
    }
}
