using System.Globalization;
using System.Text;

namespace MemTrack.Internal.Export;

/// <summary>
/// Writes collapsed (folded) stacks, the input of <c>flamegraph.pl</c> and inferno: one line per distinct path,
/// <c>root;...;leaf;Type bytes</c>, sorted (ordinal), in UTF-8 with <c>\n</c> line ends. Names cannot hold the
/// separator: <c>;</c> becomes <c>:</c> and line breaks become spaces.
/// </summary>
internal static class CollapsedStacksWriter
{
    public static void Write(Stream destination, IReadOnlyList<FoldedStack> stacks, MemoryKind kind)
    {
        // Two stacks can share a path (frames that differ only in the source directory or module); a line each would
        // be drawn twice.
        var lines = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (FoldedStack stack in stacks)
        {
            string path = string.Join(';', stack.Path().Select(Escape));
            lines[path] = lines.GetValueOrDefault(path) + stack.Bytes(kind);
        }

        using var writer = new StreamWriter(destination, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        foreach ((string path, long value) in lines)
        {
            writer.Write(path);
            writer.Write(' ');
            writer.Write(value.ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }

    /// <summary>A name that cannot split a frame or a line.</summary>
    public static string Escape(string name) =>
        name.Replace(';', ':').Replace('\r', ' ').Replace('\n', ' ');
}
