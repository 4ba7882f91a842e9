using MemTrack.Internal.Sampling;

namespace MemTrack.Internal.Sites;

/// <summary>One allocation site: the samples allocated there, and those of them still alive.</summary>
internal struct SiteEntry(int stackId, int typeId)
{
    public readonly int StackId = stackId;
    public readonly int TypeId = typeId;
    public SampleStats Stats;
    public SampleStats Live;
}
