using MemTrack.Internal.Analysis;

namespace MemTrack;

/// <summary>
/// Filters traces by source file and line, like tracemalloc's <c>Filter</c>. The pattern is matched with
/// <c>fnmatch</c> rules (<c>*</c>, <c>?</c>, <c>[seq]</c>) against the frame's file name, or its module name when
/// the frame has no source file. Path separators are not special, so <c>*MyApp*</c> matches any directory.
/// </summary>
public sealed class Filter : TraceFilter
{
    private readonly GlobPattern _pattern;

    /// <summary>Creates a filter.</summary>
    /// <param name="inclusive">True keeps only matching traces; false drops them.</param>
    /// <param name="filenamePattern">fnmatch pattern for the file name.</param>
    /// <param name="lineNumber">Only this line, or null for any line.</param>
    /// <param name="allFrames">Default false: test the innermost frame only; true: any frame of the traceback.</param>
    public Filter(bool inclusive, string filenamePattern, int? lineNumber = null, bool allFrames = false)
        : base(inclusive)
    {
        ArgumentNullException.ThrowIfNull(filenamePattern);
        if (lineNumber is int line)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(line, nameof(lineNumber));
        }

        FilenamePattern = filenamePattern;
        LineNumber = lineNumber;
        AllFrames = allFrames;
        _pattern = new GlobPattern(filenamePattern);
    }

    /// <summary>The fnmatch pattern.</summary>
    public string FilenamePattern { get; }

    /// <summary>The line to match, or null for any line.</summary>
    public int? LineNumber { get; }

    /// <summary>Whether any frame (true) or only the innermost (false) is tested.</summary>
    public bool AllFrames { get; }

    /// <inheritdoc />
    public override bool Matches(Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        Traceback traceback = trace.Traceback;
        if (traceback.Count == 0)
        {
            return false;
        }

        if (!AllFrames)
        {
            return MatchesFrame(traceback[0]);
        }

        foreach (Frame frame in traceback)
        {
            if (MatchesFrame(frame))
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesFrame(Frame frame) =>
        _pattern.IsMatch(frame.FileName ?? frame.Module) && (LineNumber is null || LineNumber == frame.LineNumber);
}
