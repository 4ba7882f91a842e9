using System.Globalization;
using System.Reflection;
using MemTrack.Internal.Analysis;
using MemTrack.Internal.Formatting;

namespace MemTrack.Internal.Export;

/// <summary>Checks the arguments of <see cref="Snapshot.Export(Stream, ExportFormat, MemoryKind)"/> and hands the folded stacks to the format's writer.</summary>
internal static class SnapshotExporter
{
    /// <summary>Who wrote an export: <c>MemTrack 0.1.0</c> (the package version, without the source revision).</summary>
    public static string ExporterName { get; } = "MemTrack " + PackageVersion();

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> for an undefined <paramref name="format"/> or
    /// <paramref name="kind"/>, and <see cref="InvalidOperationException"/> (with the wording of
    /// <see cref="Snapshot.Statistics"/>) for <see cref="MemoryKind.Live"/> on a snapshot without live data.
    /// </summary>
    public static void Validate(Snapshot snapshot, ExportFormat format, MemoryKind kind)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format.");
        }

        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown memory kind.");
        }

        SnapshotStatistics.RequireLiveData(snapshot, kind, "this");
    }

    /// <summary>Writes <paramref name="snapshot"/> to <paramref name="destination"/> in <paramref name="format"/>; the stream stays open.</summary>
    public static void Write(Snapshot snapshot, Stream destination, ExportFormat format, MemoryKind kind)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Validate(snapshot, format, kind);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(destination));
        }

        WriteValidated(snapshot, destination, format, kind);
    }

    /// <summary>
    /// <see cref="Write"/> for arguments already checked by <see cref="Validate"/>, to a writable
    /// <paramref name="destination"/>; the stream stays open.
    /// </summary>
    internal static void WriteValidated(Snapshot snapshot, Stream destination, ExportFormat format, MemoryKind kind)
    {
        // pprof carries all four values (kind only picks the one viewers show first), so it takes every stack.
        IReadOnlyList<FoldedStack> stacks = format == ExportFormat.Pprof ? StackFolder.Fold(snapshot) : StackFolder.Fold(snapshot, kind);
        switch (format)
        {
            case ExportFormat.Speedscope:
                SpeedscopeWriter.Write(destination, snapshot, stacks, kind);
                break;
            case ExportFormat.Pprof:
                PprofWriter.Write(destination, snapshot, stacks, kind);
                break;
            case ExportFormat.CollapsedStacks:
                CollapsedStacksWriter.Write(destination, stacks, kind);
                break;
            default:
                FlameGraphSvgWriter.Write(destination, snapshot, stacks, kind);
                break;
        }

        destination.Flush();
    }

    /// <summary>What an export shows, for its title: <c>Live memory by allocation stack, snapshot of 2024-05-01 12:30:15 +02:00</c>.</summary>
    public static string Title(Snapshot snapshot, MemoryKind kind) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{KindText.Title(kind)} by allocation stack, snapshot of {snapshot.TakenAt:yyyy-MM-dd HH:mm:ss zzz}");

    private static string PackageVersion()
    {
        string? version = typeof(SnapshotExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(version))
        {
            return typeof(SnapshotExporter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }

        // SourceLink appends "+<commit>".
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
