namespace MemTrack.Internal.Assertions;

/// <summary>Objects under one holder (a root, a census holder): how many, their size, and the largest (the first seen of equal ones).</summary>
internal readonly record struct HolderGroup(int Count, long Size, int Largest)
{
    /// <summary>Groups <paramref name="objects"/> by the holder of each node, leaving out those whose holder is null.</summary>
    public static Dictionary<string, HolderGroup> Of(IEnumerable<HeapObject> objects, Func<int, string?> holderOf)
    {
        var groups = new Dictionary<string, HolderGroup>(StringComparer.Ordinal);
        foreach (HeapObject item in objects)
        {
            if (holderOf(item.Node) is not string holder)
            {
                continue;
            }

            HolderGroup group = groups.GetValueOrDefault(holder, new HolderGroup(0, 0, item.Node));
            long largest = item.Snapshot.Graph.Sizes[group.Largest];
            groups[holder] = new HolderGroup(group.Count + 1, group.Size + item.Size, item.Size > largest ? item.Node : group.Largest);
        }

        return groups;
    }
}
