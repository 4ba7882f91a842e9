using Microsoft.Extensions.Logging;

namespace MemTrack.Extensions.Hosting.Internal;

/// <summary>
/// One report from the running tracer: a summary entry, then the top sites of the live view (when live objects are
/// tracked) and of the allocated view, one entry each.
/// </summary>
internal static class AllocationReport
{
    public const string Shutdown = "shutdown";
    public const string Periodic = "periodic";

    /// <summary>The location logged for sites keyed by <see cref="KeyType.Type"/>, which span every source line.</summary>
    public const string AllSites = "(all sites)";

    /// <summary>The type logged for sites keyed by file or method, which may allocate any type.</summary>
    public const string AnyType = "*";

    /// <summary>Takes a snapshot and logs it. Throws what <see cref="MemTracker.TakeSnapshot()"/> throws.</summary>
    public static void Write(ILogger logger, MemTrackHostingOptions options, string report)
    {
        Snapshot snapshot = MemTracker.TakeSnapshot();
        long tracerMemory = MemTracker.LastTracerMemory; // measured by the snapshot just taken: no second wait for the reader
        if (snapshot.HasLiveData)
        {
            TracedMemory traced = MemTracker.GetTracedMemory();
            MemTrackLog.Summary(logger, options.LogLevel, report, snapshot.ExactAllocatedBytes, traced.Current, traced.Peak, tracerMemory, snapshot.LostEvents);
            WriteSites(logger, options, report, snapshot, MemoryKind.Live);
        }
        else
        {
            MemTrackLog.SummaryWithoutLiveData(logger, options.LogLevel, report, snapshot.ExactAllocatedBytes, tracerMemory, snapshot.LostEvents);
        }

        WriteSites(logger, options, report, snapshot, MemoryKind.Allocated);
    }

    /// <summary>
    /// The type logged for each of <paramref name="sites"/>: the type with the most bytes of <paramref name="kind"/> at
    /// a site keyed by line or traceback (a line can allocate several types; ties go to the ordinally first name); the
    /// site's own type for <see cref="KeyType.Type"/>; <see cref="AnyType"/> otherwise. One pass over the traces.
    /// </summary>
    internal static string[] TypesAt(Snapshot snapshot, IReadOnlyList<Statistic> sites, KeyType key, MemoryKind kind)
    {
        var names = new string[sites.Count];
        var bytesBySite = new Dictionary<(Frame? Line, Traceback? Path), Dictionary<string, long>>();
        for (int i = 0; i < sites.Count; i++)
        {
            names[i] = sites[i].TypeName ?? AnyType;
            if (sites[i].TypeName is null && SiteKey(sites[i].Traceback, key) is { } siteKey)
            {
                bytesBySite.TryAdd(siteKey, new Dictionary<string, long>(StringComparer.Ordinal));
            }
        }

        if (bytesBySite.Count == 0)
        {
            return names;
        }

        foreach (Trace trace in snapshot.Traces)
        {
            if (SiteKey(trace.Traceback, key) is { } traceKey && bytesBySite.TryGetValue(traceKey, out Dictionary<string, long>? bytesByType))
            {
                // Traces with zero bytes still enter the grouping, so a site whose types all have zero bytes logs the
                // ordinally first of them.
                bytesByType[trace.TypeName] = checked(bytesByType.GetValueOrDefault(trace.TypeName) + (kind == MemoryKind.Live ? trace.LiveSize : trace.Size));
            }
        }

        for (int i = 0; i < sites.Count; i++)
        {
            if (sites[i].TypeName is null && SiteKey(sites[i].Traceback, key) is { } siteKey)
            {
                names[i] = MostBytes(bytesBySite[siteKey]) ?? AnyType;
            }
        }

        return names;
    }

    private static void WriteSites(ILogger logger, MemTrackHostingOptions options, string report, Snapshot snapshot, MemoryKind kind)
    {
        List<Statistic> sites = snapshot.Statistics(options.Key, kind: kind).Take(options.Top).ToList();
        string[] typeNames = TypesAt(snapshot, sites, options.Key, kind);
        for (int i = 0; i < sites.Count; i++)
        {
            Statistic site = sites[i];
            int rank = i + 1;
            string location = options.Key == KeyType.Type ? AllSites : site.Traceback.ToString();
            string typeName = typeNames[i];
            if (kind == MemoryKind.Live)
            {
                MemTrackLog.LiveSite(logger, options.LogLevel, report, rank, location, typeName, site.Size, site.SizeMargin, site.Count, site.SampleCount);
            }
            else
            {
                MemTrackLog.AllocatedSite(logger, options.LogLevel, report, rank, location, typeName, site.Size, site.SizeMargin, site.Count, site.SampleCount);
            }
        }
    }

    /// <summary>The key that groups traces into a site of <paramref name="key"/>, or <see langword="null"/> for keys whose sites may allocate any type.</summary>
    private static (Frame? Line, Traceback? Path)? SiteKey(Traceback traceback, KeyType key)
    {
        switch (key)
        {
            case KeyType.LineNo:
                return (Innermost(traceback), null);
            case KeyType.Traceback:
                return (null, traceback);
            default:
                return null;
        }
    }

    /// <summary>The type with the most bytes, ties going to the ordinally first name; <see langword="null"/> when there is none.</summary>
    private static string? MostBytes(Dictionary<string, long> bytesByType)
    {
        string? best = null;
        long bestBytes = 0;
        foreach ((string type, long bytes) in bytesByType)
        {
            if (best is null || bytes > bestBytes || (bytes == bestBytes && string.CompareOrdinal(type, best) < 0))
            {
                best = type;
                bestBytes = bytes;
            }
        }

        return best;
    }

    private static Frame? Innermost(Traceback traceback) => traceback.Count == 0 ? null : traceback[0];
}
