using System.Globalization;
using MemTrack.Internal.Formatting;
using MemTrack.Internal.Sampling;

namespace MemTrack;

/// <summary>
/// One allocation site of a <see cref="Snapshot"/>: a traceback and an allocated type, with the estimated bytes and
/// objects allocated there and, with live tracking, the estimated bytes and objects from there still alive.
/// Estimates come from sampling; the sample counts and the margins say how precise they are.
/// </summary>
public sealed class Trace
{
    internal Trace(Traceback traceback, string typeName, in SampleStats allocated, in SampleStats live)
    {
        Traceback = traceback;
        TypeName = typeName;
        Allocated = allocated;
        Live = live;
    }

    /// <summary>Where the objects were allocated, innermost frame first.</summary>
    public Traceback Traceback { get; }

    /// <summary>The allocated type, e.g. <c>System.Byte[]</c>.</summary>
    public string TypeName { get; }

    /// <summary>Estimated bytes allocated at this site.</summary>
    public long Size => Allocated.RoundedSize;

    /// <summary>Estimated number of objects allocated at this site.</summary>
    public long Count => Allocated.RoundedCount;

    /// <summary>Number of allocation samples behind the estimates.</summary>
    public long SampleCount => Allocated.Samples;

    /// <summary>Half-width of the 95% confidence interval of <see cref="Size"/>, in bytes.</summary>
    public long SizeMargin => Allocated.SizeMargin;

    /// <summary>
    /// Estimated bytes of the objects allocated at this site that were still alive at the snapshot (0 without live
    /// tracking; see <see cref="Snapshot.HasLiveData"/>).
    /// </summary>
    public long LiveSize => Live.RoundedSize;

    /// <summary>Estimated number of objects allocated at this site that were still alive at the snapshot.</summary>
    public long LiveCount => Live.RoundedCount;

    /// <summary>Number of live samples behind <see cref="LiveSize"/> and <see cref="LiveCount"/>.</summary>
    public long LiveSampleCount => Live.Samples;

    /// <summary>Half-width of the 95% confidence interval of <see cref="LiveSize"/>, in bytes.</summary>
    public long LiveSizeMargin => Live.SizeMargin;

    internal SampleStats Allocated { get; }

    internal SampleStats Live { get; }

    /// <summary>Formats the trace as <c>file:line: TypeName size=..., count=..., live=...</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Traceback}: {TypeName} size={SizeFormatter.Format(Size)}, count={Count}, live={SizeFormatter.Format(LiveSize)}");

    /// <summary>The statistics of <paramref name="kind"/>.</summary>
    internal SampleStats Of(MemoryKind kind) => kind == MemoryKind.Live ? Live : Allocated;
}
