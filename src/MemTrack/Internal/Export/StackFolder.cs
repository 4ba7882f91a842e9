using System.Globalization;
using MemTrack.Internal.Analysis;

namespace MemTrack.Internal.Export;

/// <summary>
/// Turns a snapshot's traces into the stacks every export writes: one <see cref="FoldedStack"/> per distinct
/// (traceback, type), in a fixed order, with frames named as flame graphs show them.
/// </summary>
internal static class StackFolder
{
    /// <summary>
    /// The stacks with any non-zero value, sorted by type, then frames innermost first (<see cref="StatisticKey.Order"/>),
    /// so that exports are deterministic. Without live data (<see cref="Snapshot.HasLiveData"/>) the live values are 0.
    /// </summary>
    public static IReadOnlyList<FoldedStack> Fold(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var stacks = new Dictionary<(Traceback, string), FoldedStack>();
        foreach (Trace trace in snapshot.Traces)
        {
            if (!stacks.TryGetValue((trace.Traceback, trace.TypeName), out FoldedStack? stack))
            {
                stack = new FoldedStack(trace.Traceback, trace.TypeName);
                stacks.Add((trace.Traceback, trace.TypeName), stack);
            }

            stack.Add(trace, snapshot.HasLiveData);
        }

        FoldedStack[] sorted = [.. stacks.Values.Where(s => s.HasAnyValue)];
        Array.Sort(sorted, static (x, y) => StatisticKey.Order(x.Traceback, x.TypeName, y.Traceback, y.TypeName));
        return sorted;
    }

    /// <summary>The stacks with bytes of <paramref name="kind"/> (stacks whose value is 0 are left out), in <see cref="Fold(Snapshot)"/>'s order.</summary>
    public static IReadOnlyList<FoldedStack> Fold(Snapshot snapshot, MemoryKind kind) => [.. Fold(snapshot).Where(s => s.Bytes(kind) > 0)];

    /// <summary>
    /// A frame as a flame graph names it: <c>Namespace.Type.Method (File.cs:42)</c> with the source file's name (no
    /// directory) and line, <c>Namespace.Type.Method (File.cs)</c> when the line is unknown, and
    /// <c>module.dll!Namespace.Type.Method</c> without a source file.
    /// </summary>
    public static string FrameName(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.FileName is null)
        {
            return $"{frame.Module}!{frame.Method}";
        }

        // PDBs record the build machine's paths: a Windows path keeps its backslashes on Unix.
        string file = frame.FileName[(frame.FileName.LastIndexOfAny(['/', '\\']) + 1)..];
        return frame.LineNumber > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{frame.Method} ({file}:{frame.LineNumber})")
            : $"{frame.Method} ({file})";
    }
}
