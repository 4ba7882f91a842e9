namespace MemTrack.Internal.Analysis;

/// <summary>Applies <see cref="TraceFilter"/>s to traces with tracemalloc's rules (<c>Snapshot.filter_traces</c>).</summary>
internal static class TraceFilterSet
{
    /// <summary>
    /// Keeps a trace when at least one inclusive filter matches it (or there is no inclusive filter) and no exclusive
    /// filter matches it. With no filters, returns <paramref name="traces"/> itself.
    /// </summary>
    public static IReadOnlyList<Trace> Apply(IReadOnlyList<Trace> traces, IReadOnlyList<TraceFilter> filters)
    {
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Count == 0)
        {
            return traces;
        }

        TraceFilter[] inclusive = [.. filters.Where(f => f.Inclusive)];
        TraceFilter[] exclusive = [.. filters.Where(f => !f.Inclusive)];
        var kept = new List<Trace>();
        foreach (Trace trace in traces)
        {
            if ((inclusive.Length == 0 || inclusive.Any(f => f.Matches(trace))) && !exclusive.Any(f => f.Matches(trace)))
            {
                kept.Add(trace);
            }
        }

        return kept.ToArray();
    }
}
