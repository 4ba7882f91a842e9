namespace MemTrack.Internal.Sites;

/// <summary>
/// Interns truncated stacks (<see cref="StackKey"/>) to small integer ids, one id per sequence of frames; the stored
/// <see cref="StackKey.TotalFrames"/> is the longest stack seen with those frames. Used only on the reader thread.
/// </summary>
internal sealed class StackTable
{
    private readonly Dictionary<StackKey, int> _ids = [];
    private readonly List<StackKey> _stacks = [];

    public int Count => _stacks.Count;

    public int Intern(int[] frameIds, int totalFrames)
    {
        var key = new StackKey(frameIds, totalFrames);
        if (!_ids.TryGetValue(key, out int id))
        {
            id = _stacks.Count;
            _stacks.Add(key);
            _ids[key] = id;
        }
        else if (totalFrames > _stacks[id].TotalFrames)
        {
            _stacks[id] = _stacks[id].WithTotalFrames(totalFrames);
        }

        return id;
    }

    public StackKey Get(int stackId) => _stacks[stackId];

    public long EstimateBytes()
    {
        long bytes = _ids.Count * 40L;
        foreach (StackKey key in _stacks)
        {
            bytes += 32 + (key.FrameIds.Length * 4L);
        }

        return bytes;
    }

    public void Clear()
    {
        _ids.Clear();
        _stacks.Clear();
    }
}
