using System.Globalization;
using MemTrack.Internal.Formatting;
using MemTrack.Internal.Sampling;

namespace MemTrack;

/// <summary>
/// One allocation site of a <see cref="Snapshot"/>: a traceback and an allocated type, with the estimated bytes and
/// objects allocated there. Estimates come from sampling; <see cref="SampleCount"/> and the margins say how precise they are.
/// </summary>
public sealed class Trace
{
    internal Trace(Traceback traceback, string typeName, in SampleStats allocated)
    {
        Traceback = traceback;
        TypeName = typeName;
        Allocated = allocated;
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

    internal SampleStats Allocated { get; }

    /// <summary>Formats the trace as <c>file:line: TypeName size=..., count=...</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Traceback}: {TypeName} size={SizeFormatter.Format(Size)}, count={Count}");
}
