using System.Globalization;
using System.Text;
using MemTrack.Internal.Formatting;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Assertions;

/// <summary>
/// Says what holds objects that should be gone: the roots that hold the objects of a type (grouped by the root at
/// the start of each object's shortest path, with how many each holds), and the full path from a root to one object.
/// </summary>
internal static class HeldByReport
{
    private const int TopRoots = 3;

    /// <summary>The roots holding <paramref name="objects"/> (those of <paramref name="typeName"/>), most objects first, and the path to the largest object under the first.</summary>
    public static string ForType(HeapSnapshot heap, string typeName, IReadOnlyList<HeapObject> objects)
    {
        RootPaths paths = heap.Graph.RootPaths;
        var ranked = HolderGroup.Of(objects, node => paths.RootOf(node) is HeapRoot r ? r.Label : "no reported root").OrderByDescending(g => g.Value.Count).ThenByDescending(g => g.Value.Size).ToList();
        if (ranked.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{typeName} is held by:");
        foreach ((string root, HolderGroup group) in ranked.Take(TopRoots))
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {root}: {group.Count} object{(group.Count == 1 ? string.Empty : "s")}, {SizeFormatter.Format(group.Size)}");
        }

        text.AppendLine().Append(PathOf(heap, new HeapObject(heap, ranked[0].Value.Largest)));
        return text.ToString();
    }

    /// <summary>The path from a root to one object and what it retains, or why there is none.</summary>
    public static string PathOf(HeapSnapshot heap, HeapObject target)
    {
        long retained = heap.RetainedSize(target);
        string header = string.Create(CultureInfo.InvariantCulture, $"Path to root of {target} (retains {SizeFormatter.Format(retained)}):");
        return heap.FindPathToRoot(target) is RootPath path
            ? header + Environment.NewLine + path.ToString().TrimEnd()
            : header + Environment.NewLine + "  no reported GC root reaches it (a root the runtime does not report, such as a register or an unlisted handle, holds it).";
    }
}
