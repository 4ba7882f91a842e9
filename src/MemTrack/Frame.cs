using System.Globalization;

namespace MemTrack;

/// <summary>One frame of a <see cref="Traceback"/>.</summary>
/// <param name="Method">Full method name, e.g. <c>MyApp.OrderService.Create</c>.</param>
/// <param name="FileName">Source file from the module's portable PDB, or <see langword="null"/> when no PDB was found.</param>
/// <param name="LineNumber">1-based source line, or 0 when unknown.</param>
/// <param name="Module">Module (assembly file) name without directory, e.g. <c>MyApp.dll</c>.</param>
public sealed record Frame(string Method, string? FileName, int LineNumber, string Module)
{
    // The hash, computed once (0 until then). Hashing the names costs their length, and tracebacks and statistics
    // hash the same frame many times: a snapshot file can name a long method from thousands of frames.
    private int _hash;

    /// <summary>A frame whose hash is made from its names' hashes, which the caller computed once per name (<see cref="HashOf"/>).</summary>
    internal Frame(string method, string? fileName, int lineNumber, string module, int methodHash, int fileNameHash, int moduleHash)
        : this(method, fileName, lineNumber, module) =>
        _hash = Combine(methodHash, fileNameHash, lineNumber, moduleHash, isInlined: false);

    // A `with` expression copies the frame and then sets the changed names: the copy must not keep the old hash.
    private Frame(Frame original)
    {
        Method = original.Method;
        FileName = original.FileName;
        LineNumber = original.LineNumber;
        Module = original.Module;
        IsInlined = original.IsInlined;
    }

    /// <summary>
    /// Whether the JIT inlined this method into the frame below it (the next one in the traceback): the runtime
    /// reports such frames only with rich debug info (<c>DOTNET_RichDebugInfo=1</c>). Default false.
    /// </summary>
    public bool IsInlined
    {
        get;
        init
        {
            field = value;
            _hash = 0;
        }
    }

    /// <inheritdoc />
    public bool Equals(Frame? other) =>
        ReferenceEquals(this, other)
        || (other is not null
            && LineNumber == other.LineNumber
            && IsInlined == other.IsInlined
            && GetHashCode() == other.GetHashCode()
            && string.Equals(Method, other.Method, StringComparison.Ordinal)
            && string.Equals(FileName, other.FileName, StringComparison.Ordinal)
            && string.Equals(Module, other.Module, StringComparison.Ordinal));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        int hash = _hash;
        if (hash == 0)
        {
            hash = Combine(HashOf(Method), HashOf(FileName), LineNumber, HashOf(Module), IsInlined);
            _hash = hash;
        }

        return hash;
    }

    /// <summary>
    /// Formats the frame as tracemalloc does: <c>file:line</c> (<c>file:0</c> for statistics keyed by file). Frames
    /// of statistics keyed by method print <c>Method (file)</c>; frames without a source file print <c>module!method</c>.
    /// </summary>
    public override string ToString()
    {
        if (Method.Length == 0)
        {
            // A file key: tracemalloc prints "file:0".
            return FileName is null ? Module : string.Create(CultureInfo.InvariantCulture, $"{FileName}:{LineNumber}");
        }

        if (FileName is null)
        {
            return $"{Module}!{Method}";
        }

        return LineNumber > 0 ? string.Create(CultureInfo.InvariantCulture, $"{FileName}:{LineNumber}") : $"{Method} ({FileName})";
    }

    /// <summary>The hash of one name of a frame, as <see cref="GetHashCode"/> combines it (0 for null).</summary>
    internal static int HashOf(string? name) => name is null ? 0 : string.GetHashCode(name, StringComparison.Ordinal);

    // Never 0, which marks a hash not computed yet.
    private static int Combine(int methodHash, int fileNameHash, int lineNumber, int moduleHash, bool isInlined)
    {
        int hash = HashCode.Combine(methodHash, fileNameHash, lineNumber, moduleHash, isInlined);
        return hash == 0 ? 1 : hash;
    }
}
