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
        long tracerMemory = MemTracker.GetTracerMemory();
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
    /// The type with the most bytes of <paramref name="kind"/> at a site keyed by line or traceback (a line can
    /// allocate several types); the site's own type for <see cref="KeyType.Type"/>; <see cref="AnyType"/> otherwise.
    /// </summary>
    internal static string TypeAt(Snapshot snapshot, Statistic site, KeyType key, MemoryKind kind)
    {
        Func<Trace, bool>? inSite = key switch
        {
            KeyType.LineNo => trace => Equals(Innermost(trace.Traceback), Innermost(site.Traceback)),
            KeyType.Traceback => trace => trace.Traceback.Equals(site.Traceback),
            _ => null,
        };
        if (site.TypeName is not null || inSite is null)
        {
            return site.TypeName ?? AnyType;
        }

        return snapshot.Traces
            .Where(inSite)
            .GroupBy(trace => trace.TypeName, StringComparer.Ordinal)
            .Select(group => (Type: group.Key, Bytes: group.Sum(trace => kind == MemoryKind.Live ? trace.LiveSize : trace.Size)))
            .OrderByDescending(type => type.Bytes)
            .ThenBy(type => type.Type, StringComparer.Ordinal)
            .Select(type => type.Type)
            .FirstOrDefault() ?? AnyType;
    }

    private static void WriteSites(ILogger logger, MemTrackHostingOptions options, string report, Snapshot snapshot, MemoryKind kind)
    {
        int rank = 0;
        foreach (Statistic site in snapshot.Statistics(options.Key, kind: kind).Take(options.Top))
        {
            rank++;
            string location = options.Key == KeyType.Type ? AllSites : site.Traceback.ToString();
            string typeName = TypeAt(snapshot, site, options.Key, kind);
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

    private static Frame? Innermost(Traceback traceback) => traceback.Count == 0 ? null : traceback[0];
}
