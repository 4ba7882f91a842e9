using System.Globalization;

namespace MemTrack;

/// <summary>One frame of a <see cref="Traceback"/>.</summary>
/// <param name="Method">Full method name, e.g. <c>MyApp.OrderService.Create</c>.</param>
/// <param name="FileName">Source file from the module's portable PDB, or <see langword="null"/> when no PDB was found.</param>
/// <param name="LineNumber">1-based source line, or 0 when unknown.</param>
/// <param name="Module">Module (assembly file) name without directory, e.g. <c>MyApp.dll</c>.</param>
public sealed record Frame(string Method, string? FileName, int LineNumber, string Module)
{
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
}
