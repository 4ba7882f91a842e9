namespace MemTrack.Internal.Heap.Graph;

/// <summary>
/// A type name as a structure, so that the spellings a user may pass match the heap's names: the heap's own
/// (<c>Ns.Outer+Inner</c>, <c>Ns.Box`1[System.Int32]</c>), <c>Type.FullName</c> (generic arguments
/// assembly-qualified in double brackets), <c>Type.AssemblyQualifiedName</c> (the assembly is ignored),
/// <c>Type.ToString()</c>, and C# (<c>Ns.Outer.Inner</c>, <c>Ns.Box&lt;int&gt;</c>, <c>int[]</c>, <c>int?</c>, the
/// keyword aliases). The name is held as its path segments (namespace parts and nested types alike: <c>.</c> and
/// <c>+</c> both separate), the generic arguments of the whole path in order (as the runtime lists them for a type
/// nested in a generic one), and the array and pointer suffixes.
/// </summary>
internal sealed class TypeNamePattern
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["bool"] = "Boolean", ["byte"] = "Byte", ["sbyte"] = "SByte", ["char"] = "Char", ["short"] = "Int16",
        ["ushort"] = "UInt16", ["int"] = "Int32", ["uint"] = "UInt32", ["long"] = "Int64", ["ulong"] = "UInt64",
        ["nint"] = "IntPtr", ["nuint"] = "UIntPtr", ["float"] = "Single", ["double"] = "Double",
        ["decimal"] = "Decimal", ["string"] = "String", ["object"] = "Object",
    };

    private TypeNamePattern(string[] segments, TypeNamePattern[] arguments, string suffix)
    {
        Segments = segments;
        Arguments = arguments;
        Suffix = suffix;
    }

    /// <summary>Namespace parts and type names, outermost first; a generic one with its arity (<c>Box`1</c>).</summary>
    public string[] Segments { get; }

    /// <summary>The generic arguments of the whole path, in order.</summary>
    public TypeNamePattern[] Arguments { get; }

    /// <summary>Array ranks and pointer marks, as written after the type (<c>[]</c>, <c>[,][]</c>, <c>*</c>).</summary>
    public string Suffix { get; }

    /// <summary>The structure of <paramref name="name"/>, or null when it is not a type name in a known spelling.</summary>
    public static TypeNamePattern? Parse(string name)
    {
        var reader = new Reader(name);
        TypeNamePattern? type = reader.Type(qualified: true);
        reader.SkipSpaces();
        return type is not null && reader.AtEnd ? type : null;
    }

    /// <summary>
    /// Whether a heap type name (parsed) is what this pattern names: the pattern's segments are the last segments of
    /// the type's (so a name may leave out its namespace and outer types: <c>Entry</c> names
    /// <c>Dictionary`2+Entry[K,V]</c>, <c>Outer&lt;int&gt;.Inner</c> names <c>Ns.Outer`1+Inner[System.Int32]</c>);
    /// the same suffix; and the generic arguments those segments bring (by their arities, the type's last ones)
    /// matching the pattern's, each by the same rules.
    /// </summary>
    public bool Matches(TypeNamePattern type)
    {
        int skipped = type.Segments.Length - Segments.Length;
        if (Suffix != type.Suffix || skipped < 0 || !Segments.AsSpan().SequenceEqual(type.Segments.AsSpan(skipped)))
        {
            return false;
        }

        int brought = 0;
        foreach (string segment in Segments)
        {
            brought += Arity(segment);
        }

        if (Arguments.Length != brought || brought > type.Arguments.Length)
        {
            return false;
        }

        int first = type.Arguments.Length - brought;
        for (int i = 0; i < Arguments.Length; i++)
        {
            if (!Arguments[i].Matches(type.Arguments[first + i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The number of generic parameters a segment declares (<c>Box`1</c>: 1, <c>Entry</c>: 0).</summary>
    public static int Arity(string segment)
    {
        int tick = segment.LastIndexOf('`');
        return tick >= 0 && int.TryParse(segment.AsSpan(tick + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int arity) ? arity : 0;
    }

    /// <summary>A hand-written reader over one name; every method returns null (or false) on a spelling it does not know.</summary>
    private ref struct Reader(string text)
    {
        private const int MaxDepth = 64;

        private readonly string _text = text;
        private int _at;
        private int _depth;

        public readonly bool AtEnd => _at >= _text.Length;

        private readonly char Next => _at < _text.Length ? _text[_at] : '\0';

        public void SkipSpaces()
        {
            while (_at < _text.Length && char.IsWhiteSpace(_text[_at]))
            {
                _at++;
            }
        }

        /// <summary>A type; with <paramref name="qualified"/>, an assembly name after a comma is read and ignored.</summary>
        public TypeNamePattern? Type(bool qualified)
        {
            if (++_depth > MaxDepth)
            {
                return null;
            }

            try
            {
                return ReadType(qualified);
            }
            finally
            {
                _depth--;
            }
        }

        private TypeNamePattern? ReadType(bool qualified)
        {
            var segments = new List<string>();
            var arguments = new List<TypeNamePattern>();
            SkipSpaces();
            do
            {
                SkipSpaces();
                string? segment = Identifier();
                if (segment is null)
                {
                    return null;
                }

                SkipSpaces();
                if (Next == '<')
                {
                    // C#: Box<int>, Dictionary<int, Session>.Entry; the arity goes on the segment, the arguments on the path.
                    int before = arguments.Count;
                    _at++;
                    if (!Arguments(arguments, '>'))
                    {
                        return null;
                    }

                    segment += "`" + (arguments.Count - before).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                segments.Add(segment);
                SkipSpaces();
            }
            while (Take('.') || Take('+'));

            if (Next == '[' && !IsSuffixBracket(_at))
            {
                _at++;
                if (!Arguments(arguments, ']'))
                {
                    return null;
                }
            }

            if (segments.Count == 1 && arguments.Count == 0 && Aliases.TryGetValue(segments[0], out string? alias))
            {
                segments = ["System", alias];
            }

            var type = new TypeNamePattern([.. segments], [.. arguments], string.Empty);
            if (Take('?'))
            {
                type = new TypeNamePattern(["System", "Nullable`1"], [type], string.Empty);
            }

            string suffix = Suffix();
            if (suffix.Length > 0)
            {
                type = new TypeNamePattern(type.Segments, type.Arguments, suffix);
            }

            SkipSpaces();
            if (qualified && Take(','))
            {
                SkipAssemblyName();
            }

            return type;
        }

        /// <summary>
        /// Generic arguments up to <paramref name="close"/>, separated by commas: C#'s (<c>&lt;int, string&gt;</c>) or
        /// the runtime's (<c>[System.Int32,System.String]</c>, <c>[[System.Int32, System.Private.CoreLib, ...]]</c>).
        /// </summary>
        private bool Arguments(List<TypeNamePattern> into, char close)
        {
            do
            {
                if ((close == '>' ? Type(qualified: false) : Argument()) is not TypeNamePattern argument)
                {
                    return false;
                }

                into.Add(argument);
            }
            while (Take(','));

            return Take(close);
        }

        /// <summary>A generic argument inside <c>[...]</c>: bracketed and assembly-qualified (<c>[System.Int32, System.Private.CoreLib, ...]</c>) or bare.</summary>
        private TypeNamePattern? Argument()
        {
            SkipSpaces();
            if (!Take('['))
            {
                return Type(qualified: false);
            }

            TypeNamePattern? argument = Type(qualified: true);
            SkipSpaces();
            return Take(']') ? argument : null;
        }

        /// <summary>Array ranks (<c>[]</c>, <c>[,]</c>, <c>[*]</c>) and pointer or reference marks, as written.</summary>
        private string Suffix()
        {
            int start = _at;
            while (true)
            {
                SkipSpaces();
                if (Next == '[' && IsSuffixBracket(_at))
                {
                    _at = _text.IndexOf(']', _at) + 1;
                }
                else if (Next is '*' or '&')
                {
                    _at++;
                }
                else
                {
                    break;
                }
            }

            return new string([.. _text[start.._at].Where(c => !char.IsWhiteSpace(c))]);
        }

        /// <summary>Whether the bracket at <paramref name="at"/> opens an array rank (<c>[]</c>, <c>[,,]</c>, <c>[*]</c>) rather than generic arguments.</summary>
        private readonly bool IsSuffixBracket(int at)
        {
            int close = _text.IndexOf(']', at);
            if (close < 0)
            {
                return false;
            }

            ReadOnlySpan<char> inside = _text.AsSpan(at + 1, close - at - 1).Trim();
            return inside.TrimStart(',').IsEmpty || inside is "*";
        }

        /// <summary>
        /// One name: identifier characters, with compiler-generated parts in angle brackets kept as they are
        /// (<c>&lt;&gt;c__DisplayClass0_0</c>, <c>&lt;Main&gt;d__0</c>) and a backtick arity.
        /// </summary>
        private string? Identifier()
        {
            int start = _at;
            while (_at < _text.Length)
            {
                char c = _text[_at];
                if (c == '<' && _at == start)
                {
                    // A compiler-generated name: up to the matching '>' (they nest: <<Main>$>g__Local|0_0).
                    int depth = 0;
                    do
                    {
                        depth += _text[_at] == '<' ? 1 : _text[_at] == '>' ? -1 : 0;
                        _at++;
                    }
                    while (depth > 0 && _at < _text.Length);

                    if (depth > 0)
                    {
                        return null;
                    }
                }
                else if (c is '.' or '+' or '[' or ']' or ',' or '<' or '>' or '*' or '&' or '?' || char.IsWhiteSpace(c))
                {
                    break;
                }
                else
                {
                    _at++;
                }
            }

            return _at > start ? _text[start.._at] : null;
        }

        /// <summary>Skips an assembly name (<c>App, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null</c>) up to a closing bracket or the end.</summary>
        private void SkipAssemblyName()
        {
            int close = _text.IndexOf(']', _at);
            _at = close < 0 ? _text.Length : close;
        }

        private bool Take(char c)
        {
            SkipSpaces();
            if (Next != c)
            {
                return false;
            }

            _at++;
            return true;
        }
    }
}
