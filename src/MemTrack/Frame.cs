using System.Globalization;

namespace MemTrack;

/// <summary>One frame of a <see cref="Traceback"/>.</summary>
/// <param name="Method">Full method name, e.g. <c>MyApp.OrderService.Create</c>.</param>
/// <param name="FileName">Source file from the module's portable PDB, or <see langword="null"/> when no PDB was found.</param>
/// <param name="LineNumber">1-based source line, or 0 when unknown.</param>
/// <param name="Module">Module (assembly file) name without directory, e.g. <c>MyApp.dll</c>.</param>
public sealed record Frame(string Method, string? FileName, int LineNumber, string Module)
{
    /// <summary>Formats the frame as tracemalloc does: <c>file:line</c>, or <c>module!method</c> when the source is unknown.</summary>
    public override string ToString() =>
        FileName is null
            ? string.Create(CultureInfo.InvariantCulture, $"{Module}!{Method}")
            : string.Create(CultureInfo.InvariantCulture, $"{FileName}:{LineNumber}");
}
