namespace MemTrack;

/// <summary>
/// File formats of <see cref="Snapshot.Export(Stream, ExportFormat, MemoryKind)"/>: the snapshot's allocation stacks for
/// profile viewers (docs/exports.md). Each stack runs from the outermost caller to the allocating frame, then the
/// allocated type.
/// </summary>
public enum ExportFormat
{
    /// <summary>
    /// Speedscope's JSON file format (a "sampled" profile weighted in bytes): open it at speedscope.app or with the
    /// <c>speedscope</c> command line tool. Suggested extension: <c>.speedscope.json</c>.
    /// </summary>
    Speedscope,

    /// <summary>
    /// A gzipped pprof <c>profile.proto</c> with the sample types alloc_objects, alloc_space, inuse_objects and
    /// inuse_space: open it with <c>go tool pprof</c> or <c>pprof -http=:8080</c>, or upload it to a viewer that reads
    /// pprof (Grafana Pyroscope, Polar Signals). The allocated type is a sample label, <c>object type</c>.
    /// Suggested extension: <c>.pb.gz</c>.
    /// </summary>
    Pprof,

    /// <summary>
    /// Collapsed (folded) stacks, one line per stack: <c>root;...;leaf;Type bytes</c>. Feed it to Brendan Gregg's
    /// <c>flamegraph.pl</c> or inferno's <c>inferno-flamegraph</c>, or open it in speedscope. Suggested extension:
    /// <c>.folded</c>.
    /// </summary>
    CollapsedStacks,

    /// <summary>
    /// A self-contained interactive flame graph (SVG with its own script: click to zoom, Ctrl+F to search): open it in
    /// any web browser. Frames narrower than 0.1% of the total are left out. Suggested extension: <c>.svg</c>.
    /// </summary>
    FlameGraph,
}
