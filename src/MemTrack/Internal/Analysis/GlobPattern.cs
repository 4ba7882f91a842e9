namespace MemTrack.Internal.Analysis;

/// <summary>
/// A compiled shell pattern with Python's <c>fnmatch.fnmatchcase</c> rules: case-sensitive, <c>*</c> matches any run
/// of characters (path separators included), <c>?</c> one character, <c>[seq]</c> one character of the set (ranges like
/// <c>a-z</c>), <c>[!seq]</c> one character not in it; a <c>[</c> without a closing <c>]</c> is literal. Characters are
/// Unicode code points, as in Python. Matching is iterative and takes at most O(pattern x text) steps.
/// </summary>
internal sealed class GlobPattern
{
    private const int StackDecodeLimit = 256;

    // Tokens, one per element of the pattern; consecutive stars are compressed into one.
    private readonly Token[] _tokens;

    public GlobPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Pattern = pattern;
        _tokens = Parse(Decode(pattern));
    }

    public string Pattern { get; }

    public bool IsMatch(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= StackDecodeLimit)
        {
            Span<int> buffer = stackalloc int[text.Length];
            return Match(buffer[..Decode(text, buffer)]);
        }

        return Match(Decode(text));
    }

    public override string ToString() => Pattern;

    private bool Match(ReadOnlySpan<int> text)
    {
        // Classic two-pointer wildcard matching: every non-star token consumes exactly one code point, so on a
        // mismatch it is enough to retry from the most recent star with one more character swallowed by it.
        int t = 0;
        int p = 0;
        int starToken = -1;
        int starText = 0;
        while (t < text.Length)
        {
            if (p < _tokens.Length && _tokens[p].Kind == TokenKind.Star)
            {
                starToken = p++;
                starText = t;
            }
            else if (p < _tokens.Length && _tokens[p].Matches(text[t]))
            {
                p++;
                t++;
            }
            else if (starToken >= 0)
            {
                p = starToken + 1;
                t = ++starText;
            }
            else
            {
                return false;
            }
        }

        while (p < _tokens.Length && _tokens[p].Kind == TokenKind.Star)
        {
            p++;
        }

        return p == _tokens.Length;
    }

    private static Token[] Parse(int[] pattern)
    {
        var tokens = new List<Token>();
        int[] nextClose = NextCloseIndices(pattern);
        int i = 0;
        while (i < pattern.Length)
        {
            int c = pattern[i++];
            switch (c)
            {
                case '*':
                    if (tokens.Count == 0 || tokens[^1].Kind != TokenKind.Star)
                    {
                        tokens.Add(new Token(TokenKind.Star, 0, null, false));
                    }

                    break;
                case '?':
                    tokens.Add(new Token(TokenKind.Any, 0, null, false));
                    break;
                case '[':
                    int end = FindSetEnd(pattern, nextClose, i);
                    if (end < 0)
                    {
                        tokens.Add(new Token(TokenKind.Literal, '[', null, false));
                    }
                    else
                    {
                        tokens.Add(ParseSet(pattern.AsSpan(i, end - i)));
                        i = end + 1;
                    }

                    break;
                default:
                    tokens.Add(new Token(TokenKind.Literal, c, null, false));
                    break;
            }
        }

        return [.. tokens];
    }

    // For each position, the index of the first ']' at or after it, or -1: finding a set's end is then O(1), so a
    // pattern of many unclosed '[' is not quadratic.
    private static int[] NextCloseIndices(int[] pattern)
    {
        var next = new int[pattern.Length];
        int close = -1;
        for (int i = pattern.Length - 1; i >= 0; i--)
        {
            close = pattern[i] == ']' ? i : close;
            next[i] = close;
        }

        return next;
    }

    // Index of the ']' closing a set whose content starts at 'start', or -1; a leading '!' and then a leading ']'
    // belong to the content (fnmatch.translate).
    private static int FindSetEnd(int[] pattern, int[] nextClose, int start)
    {
        int j = start;
        if (j < pattern.Length && pattern[j] == '!')
        {
            j++;
        }

        if (j < pattern.Length && pattern[j] == ']')
        {
            j++;
        }

        return j < pattern.Length ? nextClose[j] : -1;
    }

    private static Token ParseSet(ReadOnlySpan<int> content)
    {
        bool negated = content.Length > 0 && content[0] == '!';
        if (negated)
        {
            content = content[1..];
        }

        // Read left to right: "x-y" is a range, any other character (including a leading or trailing '-') is itself.
        // A reversed range such as "z-a" matches nothing, as fnmatch drops it.
        var ranges = new List<(int Low, int High)>();
        int k = 0;
        while (k < content.Length)
        {
            if (k + 2 < content.Length && content[k + 1] == '-')
            {
                ranges.Add((content[k], content[k + 2]));
                k += 3;
            }
            else
            {
                ranges.Add((content[k], content[k]));
                k++;
            }
        }

        return new Token(TokenKind.Set, 0, [.. ranges], negated);
    }

    private static int[] Decode(string text)
    {
        var buffer = new int[text.Length];
        return buffer[..Decode(text, buffer)];
    }

    // UTF-16 to code points; a lone surrogate stays a code point of its own so that it still matches itself.
    private static int Decode(string text, Span<int> destination)
    {
        int count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                destination[count++] = char.ConvertToUtf32(c, text[++i]);
            }
            else
            {
                destination[count++] = c;
            }
        }

        return count;
    }

    private enum TokenKind
    {
        Literal,
        Any,
        Star,
        Set,
    }

    private readonly record struct Token(TokenKind Kind, int Literal, (int Low, int High)[]? Ranges, bool Negated)
    {
        public bool Matches(int c)
        {
            switch (Kind)
            {
                case TokenKind.Literal:
                    return c == Literal;
                case TokenKind.Any:
                    return true;
                case TokenKind.Set:
                    foreach ((int low, int high) in Ranges!)
                    {
                        if (c >= low && c <= high)
                        {
                            return !Negated;
                        }
                    }

                    return Negated;
                default:
                    return false;
            }
        }
    }
}
