using System.Collections;
using System.Globalization;
using MemTrack.Internal.Formatting;

namespace MemTrack;

/// <summary>
/// The call stack of an allocation site, innermost frame first (<c>traceback[0]</c> is where the allocation happened),
/// truncated to <see cref="MemTrackerOptions.Depth"/> frames. Two tracebacks are equal when their frames are.
/// </summary>
public sealed class Traceback : IReadOnlyList<Frame>, IEquatable<Traceback>
{
    private readonly Frame[] _frames;
    private readonly int _hash;

    /// <summary>Creates a traceback from frames ordered innermost first.</summary>
    /// <param name="frames">The frames, innermost first.</param>
    /// <param name="totalFrames">Frames the stack had before truncation; at least <c>frames.Count</c>. Defaults to the frame count.</param>
    public Traceback(IEnumerable<Frame> frames, int? totalFrames = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        _frames = [.. frames];
        foreach (Frame frame in _frames)
        {
            ArgumentNullException.ThrowIfNull(frame, nameof(frames));
        }

        int total = totalFrames ?? _frames.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(total, _frames.Length, nameof(totalFrames));
        TotalFrames = total;
        var hash = default(HashCode);
        foreach (Frame frame in _frames)
        {
            hash.Add(frame);
        }

        _hash = hash.ToHashCode();
    }

    /// <summary>An empty traceback (used for statistics grouped by type).</summary>
    public static Traceback Empty { get; } = new([]);

    /// <summary>Number of frames the stack had before it was truncated to the traceback limit.</summary>
    public int TotalFrames { get; }

    /// <inheritdoc />
    public int Count => _frames.Length;

    /// <inheritdoc />
    public Frame this[int index] => _frames[index];

    /// <summary>
    /// Formats the traceback as Python does: <c>  File "x.cs", line 12, in Method</c>, followed by the source line when
    /// the file can be read; a frame the JIT inlined into the next one ends with <c> (inlined)</c>.
    /// </summary>
    /// <param name="limit">
    /// Positive: keep at most that many frames, the most recent ones. Negative: keep the oldest frames. Null: all.
    /// </param>
    /// <param name="mostRecentFirst">Default true: innermost frame first. False prints the oldest call first, as Python does.</param>
    /// <returns>Lines of text.</returns>
    public IReadOnlyList<string> Format(int? limit = null, bool mostRecentFirst = true)
    {
        IEnumerable<Frame> frames = _frames;
        if (limit is int n)
        {
            frames = n >= 0 ? _frames.Take(n) : _frames.Skip(Math.Max(0, _frames.Length + n));
        }

        if (!mostRecentFirst)
        {
            frames = frames.Reverse();
        }

        var lines = new List<string>();
        foreach (Frame frame in frames)
        {
            string inlined = frame.IsInlined ? " (inlined)" : string.Empty;
            if (frame.FileName is null)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"  Module \"{frame.Module}\", in {frame.Method}{inlined}"));
                continue;
            }

            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  File \"{frame.FileName}\", line {frame.LineNumber}, in {frame.Method}{inlined}"));
            string? source = SourceLineCache.Shared.GetLine(frame.FileName, frame.LineNumber);
            if (source is not null)
            {
                lines.Add("    " + source);
            }
        }

        return lines;
    }

    /// <inheritdoc />
    public IEnumerator<Frame> GetEnumerator() => ((IEnumerable<Frame>)_frames).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(Traceback? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && _frames.AsSpan().SequenceEqual(other._frames)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Traceback);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>The innermost frame as <c>file:line</c>, or <c>&lt;unknown&gt;</c> for an empty traceback.</summary>
    public override string ToString() => _frames.Length == 0 ? "<unknown>" : _frames[0].ToString();
}
