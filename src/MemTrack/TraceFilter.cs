namespace MemTrack;

/// <summary>
/// A filter for <see cref="Snapshot.FilterTraces"/>. A trace is kept when it matches at least one inclusive filter
/// (if there are any) and no exclusive filter, as in tracemalloc.
/// </summary>
public abstract class TraceFilter
{
    /// <summary>Creates a filter.</summary>
    /// <param name="inclusive">True keeps only matching traces; false drops them.</param>
    protected TraceFilter(bool inclusive) => Inclusive = inclusive;

    /// <summary>True keeps matching traces; false drops them.</summary>
    public bool Inclusive { get; }

    /// <summary>Whether the trace matches the filter's pattern (before <see cref="Inclusive"/> is applied).</summary>
    /// <param name="trace">The trace to test.</param>
    /// <returns>True when it matches.</returns>
    public abstract bool Matches(Trace trace);
}
