using MemTrack.Internal.Sampling;

namespace MemTrack.Internal.Sites;

/// <summary>One allocation site and its samples.</summary>
internal struct SiteEntry(int stackId, int typeId)
{
    public readonly int StackId = stackId;
    public readonly int TypeId = typeId;
    public SampleStats Stats;
}
