using MemTrack.Internal.Analysis;
using MemTrack.Internal.Export;
using MemTrack.Internal.Formatting;
using MemTrack.Internal.Reporting;
using MemTrack.Internal.Storage;
using static System.FormattableString;

namespace MemTrack;

/// <summary>
/// The allocation sites traced up to one moment (tracemalloc's <c>Snapshot</c>). Take one with
/// <see cref="MemTracker.TakeSnapshot()"/>, group it with <see cref="Statistics"/>, diff two with <see cref="CompareTo"/>,
/// save it with <see cref="Dump"/>, and open it in a profile viewer with <see cref="Export(Stream, ExportFormat, MemoryKind)"/>.
/// A snapshot is immutable and safe to share between threads.
/// </summary>
public sealed class Snapshot
{
    internal Snapshot(SnapshotInfo info, IReadOnlyList<Trace> traces)
    {
        Info = info;
        Traces = traces;
    }

    /// <summary>Maximum number of frames kept per traceback when the snapshot was taken.</summary>
    public int TracebackLimit => Info.TracebackLimit;

    /// <summary>When the snapshot was taken.</summary>
    public DateTimeOffset TakenAt => Info.TakenAt;

    /// <summary>One entry per allocation site (traceback and type).</summary>
    public IReadOnlyList<Trace> Traces { get; }

    /// <summary>
    /// Exact bytes allocated by the whole process (all threads, including the tracer's own) between
    /// <see cref="MemTracker.Start(int)"/> (or the last <see cref="MemTracker.ClearTraces"/>) and this snapshot,
    /// from <see cref="GC.GetTotalAllocatedBytes(bool)"/>. The traces estimate how the user's share of it was spent.
    /// </summary>
    public long ExactAllocatedBytes => Info.ExactAllocatedBytes;

    /// <summary>
    /// Events missing from this snapshot: those the runtime dropped because the tracer's reader fell behind, and those
    /// the reader could not decode (<see cref="TracerHealth.LostEvents"/> plus <see cref="TracerHealth.DecodeErrors"/>
    /// when it was taken). When non-zero the data is incomplete and the estimates are too low; reports say so.
    /// </summary>
    public long LostEvents => Info.LostEvents;

    /// <summary>
    /// Whether the snapshot was taken in degraded mode (<see cref="MemTrackerOptions.AllowDegradedMode"/>, when the
    /// tracing session could not be opened): then only <see cref="ExactAllocatedBytes"/> was measured, and
    /// <see cref="Traces"/> is empty. Reports say so.
    /// </summary>
    public bool IsDegraded => Info.IsDegraded;

    /// <summary>
    /// Whether the snapshot has live statistics (<see cref="MemoryKind.Live"/>): true when it was taken with
    /// <see cref="MemTrackerOptions.TrackLiveObjects"/> on (the default).
    /// </summary>
    public bool HasLiveData => Info.HasLiveData;

    internal SnapshotInfo Info { get; }

    /// <summary>Loads a snapshot written by <see cref="Dump"/>.</summary>
    /// <param name="path">File to read.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist, its directory does not exist, or the path is a directory.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is empty, truncated, corrupt, or of an unsupported version. The header is checked before the rest of the
    /// file is read, so a file that is not a snapshot is rejected without reading it all.
    /// </exception>
    public static Snapshot Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SnapshotFile.Read(path);
    }

    /// <summary>
    /// Groups the traces by <paramref name="keyType"/>, biggest first (size, then count), as tracemalloc's
    /// <c>Snapshot.statistics</c>.
    /// </summary>
    /// <param name="keyType">What to group by.</param>
    /// <param name="cumulative">
    /// Default false. True counts each trace under every frame of its traceback, not only the innermost; only valid
    /// for <see cref="KeyType.LineNo"/>, <see cref="KeyType.FileName"/> and <see cref="KeyType.Method"/>.
    /// </param>
    /// <param name="kind">
    /// Default <see cref="MemoryKind.Live"/>: the memory still alive, as tracemalloc counts. <see cref="MemoryKind.Allocated"/>
    /// counts every allocation, dead or alive. Groups with nothing of that kind are left out.
    /// </param>
    /// <returns>The statistics, sorted.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="kind"/> is Live and the snapshot has no live data.</exception>
    public IReadOnlyList<Statistic> Statistics(KeyType keyType, bool cumulative = false, MemoryKind kind = MemoryKind.Live) =>
        SnapshotStatistics.Compute(this, keyType, cumulative, kind);

    /// <summary>
    /// Compares this snapshot with an older one, grouped by <paramref name="keyType"/>, sorted by the absolute size
    /// change (then size, count change, count), as tracemalloc's <c>Snapshot.compare_to</c>.
    /// </summary>
    /// <param name="old">The older snapshot.</param>
    /// <param name="keyType">What to group by.</param>
    /// <param name="cumulative">See <see cref="Statistics"/>.</param>
    /// <param name="kind">
    /// Default <see cref="MemoryKind.Live"/>: what grew and is still alive (how leaks show). <see cref="MemoryKind.Allocated"/>:
    /// what was allocated in between.
    /// </param>
    /// <returns>The differences, sorted.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="kind"/> is Live and either snapshot has no live data.</exception>
    public IReadOnlyList<StatisticDiff> CompareTo(Snapshot old, KeyType keyType, bool cumulative = false, MemoryKind kind = MemoryKind.Live)
    {
        ArgumentNullException.ThrowIfNull(old);
        return SnapshotStatistics.Compare(this, old, keyType, cumulative, kind);
    }

    /// <summary>Returns a new snapshot with only the traces the filters keep (see <see cref="TraceFilter"/>).</summary>
    /// <param name="filters">The filters; an empty sequence keeps every trace.</param>
    /// <returns>The filtered snapshot.</returns>
    public Snapshot FilterTraces(IEnumerable<TraceFilter> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        TraceFilter[] list = [.. filters];
        foreach (TraceFilter filter in list)
        {
            ArgumentNullException.ThrowIfNull(filter, nameof(filters));
        }

        return new Snapshot(Info, TraceFilterSet.Apply(Traces, list));
    }

    /// <summary>
    /// Writes a text report: the totals, then the top <paramref name="top"/> lines by live memory (when the snapshot
    /// has live data) and by allocated memory, each with its biggest traceback. The exit report
    /// (<see cref="MemTrackerOptions.ExitReport"/>) has the same layout.
    /// </summary>
    /// <param name="writer">Where the report goes.</param>
    /// <param name="top">Most lines per view. Default 10; at least 1.</param>
    /// <param name="tracebackFrames">Frames printed under each line, innermost first. Default 5; 0 prints none.</param>
    public void WriteReport(TextWriter writer, int top = ExitReportOptions.DefaultTop, int tracebackFrames = ExitReportOptions.DefaultTracebackFrames)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(tracebackFrames);
        SnapshotReport.Write(writer, this, top, tracebackFrames, tracer: null);
    }

    /// <summary>
    /// One line: when it was taken, its traces and exact total, a warning when its data is incomplete (lost events)
    /// or it was taken in degraded mode, and a note when inlined methods are folded into their callers.
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        string text = Invariant($"Snapshot of {TakenAt:yyyy-MM-dd HH:mm:ss zzz}: {Traces.Count} traces, depth {TracebackLimit}, {SizeFormatter.Format(ExactAllocatedBytes)} allocated (exact)");
        IEnumerable<string> warnings = SnapshotWarnings.Of(this);
        if (SnapshotWarnings.InliningNote(this) is { } note)
        {
            warnings = warnings.Append(note);
        }

        return string.Join("; ", warnings.Prepend(text));
    }

    /// <summary>Writes the snapshot to a file in MemTrack's versioned binary format (docs/file-format.md), readable only by the current user.</summary>
    /// <param name="path">File to write; replaced if it exists.</param>
    public void Dump(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SnapshotFile.Write(this, path);
    }

    /// <summary>
    /// Writes the allocation stacks for a profile viewer: speedscope, pprof, flamegraph.pl's collapsed stacks or a
    /// self-contained flame graph SVG (docs/exports.md). Each stack runs from the outermost caller to the allocating
    /// frame, then the allocated type; its value is the bytes of <paramref name="kind"/>, and stacks without any are left
    /// out. Output is deterministic for a given snapshot.
    /// </summary>
    /// <param name="destination">Where to write; left open.</param>
    /// <param name="format">The file format.</param>
    /// <param name="kind">
    /// Default <see cref="MemoryKind.Live"/>: bytes still alive (<see cref="Trace.LiveSize"/>). <see cref="MemoryKind.Allocated"/>:
    /// every byte allocated (<see cref="Trace.Size"/>). For <see cref="ExportFormat.Pprof"/>, which always carries all four
    /// values (alloc_objects, alloc_space, inuse_objects, inuse_space), it picks the default sample type.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not writable.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> or <paramref name="kind"/> is not a defined value.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="kind"/> is Live and the snapshot has no live data.</exception>
    public void Export(Stream destination, ExportFormat format, MemoryKind kind = MemoryKind.Live)
    {
        ArgumentNullException.ThrowIfNull(destination);
        SnapshotExporter.Write(this, destination, format, kind);
    }

    /// <summary>
    /// Writes the allocation stacks to a file for a profile viewer (see <see cref="Export(Stream, ExportFormat, MemoryKind)"/>),
    /// readable only by the current user, as <see cref="Dump"/> writes.
    /// </summary>
    /// <param name="path">File to write; replaced if it exists.</param>
    /// <param name="format">The file format.</param>
    /// <param name="kind">Default <see cref="MemoryKind.Live"/>; see <see cref="Export(Stream, ExportFormat, MemoryKind)"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> or <paramref name="kind"/> is not a defined value.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="kind"/> is Live and the snapshot has no live data.</exception>
    public void Export(string path, ExportFormat format, MemoryKind kind = MemoryKind.Live)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // Checked before the file is created, so that bad arguments leave no file behind.
        SnapshotExporter.Validate(this, format, kind);
        PrivateFile.Write(path, stream => SnapshotExporter.WriteValidated(this, stream, format, kind));
    }
}
