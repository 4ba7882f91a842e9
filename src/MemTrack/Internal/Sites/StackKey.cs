namespace MemTrack.Internal.Sites;

/// <summary>A truncated stack as frame ids (innermost first) plus its length before truncation; a dictionary key.</summary>
internal readonly struct StackKey : IEquatable<StackKey>
{
    private readonly int _hash;

    public StackKey(int[] frameIds, int totalFrames)
    {
        FrameIds = frameIds;
        TotalFrames = totalFrames;
        var hash = default(HashCode);
        hash.Add(totalFrames);
        foreach (int id in frameIds)
        {
            hash.Add(id);
        }

        _hash = hash.ToHashCode();
    }

    public int[] FrameIds { get; }

    public int TotalFrames { get; }

    public bool Equals(StackKey other) =>
        _hash == other._hash && TotalFrames == other.TotalFrames && FrameIds.AsSpan().SequenceEqual(other.FrameIds);

    public override bool Equals(object? obj) => obj is StackKey other && Equals(other);

    public override int GetHashCode() => _hash;
}
