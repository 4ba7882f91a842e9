using MemTrack.Internal.Analysis;

namespace MemTrack;

/// <summary>
/// Filters traces by allocated type name with an fnmatch pattern, e.g. <c>MyApp.*</c> or <c>System.Byte[]</c>.
/// An unclosed <c>[</c> is literal, so <c>System.Byte[]</c> matches itself; but <c>[][]</c> reads as one character
/// set, so match jagged arrays with <c>*</c> (<c>System.Int32[]*</c>).
/// </summary>
public sealed class TypeFilter : TraceFilter
{
    private readonly GlobPattern _pattern;

    /// <summary>Creates a filter.</summary>
    /// <param name="inclusive">True keeps only matching traces; false drops them.</param>
    /// <param name="typeNamePattern">fnmatch pattern for the full type name.</param>
    public TypeFilter(bool inclusive, string typeNamePattern)
        : base(inclusive)
    {
        ArgumentNullException.ThrowIfNull(typeNamePattern);
        TypeNamePattern = typeNamePattern;
        _pattern = new GlobPattern(typeNamePattern);
    }

    /// <summary>The fnmatch pattern.</summary>
    public string TypeNamePattern { get; }

    /// <inheritdoc />
    public override bool Matches(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return _pattern.IsMatch(trace.TypeName);
    }
}
