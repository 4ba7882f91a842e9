namespace MemTrack.Internal.Sites;

/// <summary>
/// A truncated stack as frame ids (innermost first) plus its length before truncation. As a dictionary key only the
/// frames count: stacks that differ only below the truncation (a recursion a few calls deeper, a caller inlined in one
/// code version and not in another) are one site, as tracemalloc groups them by their frames.
/// </summary>
internal readonly struct StackKey : IEquatable<StackKey>
{
    private readonly int _hash;

    public StackKey(int[] frameIds, int totalFrames)
    {
        FrameIds = frameIds;
        TotalFrames = totalFrames;
        var hash = default(HashCode);
        foreach (int id in frameIds)
        {
            hash.Add(id);
        }

        _hash = hash.ToHashCode();
    }

    public int[] FrameIds { get; }

    /// <summary>The same frames with another length before truncation.</summary>
    public StackKey WithTotalFrames(int totalFrames) => new(FrameIds, totalFrames);

    public int TotalFrames { get; }

    public bool Equals(StackKey other) =>
        _hash == other._hash && FrameIds.AsSpan().SequenceEqual(other.FrameIds);

    public override bool Equals(object? obj) => obj is StackKey other && Equals(other);

    public override int GetHashCode() => _hash;
}
