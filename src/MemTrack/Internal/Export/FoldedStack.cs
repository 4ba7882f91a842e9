namespace MemTrack.Internal.Export;

/// <summary>
/// The traces of one call stack and allocated type, summed: what every export draws. The values are sums of the
/// traces' rounded estimates (<see cref="Trace.Count"/>, <see cref="Trace.Size"/>, <see cref="Trace.LiveCount"/>,
/// <see cref="Trace.LiveSize"/>), so a stack of one trace carries exactly that trace's numbers.
/// </summary>
internal sealed class FoldedStack
{
    public FoldedStack(Traceback traceback, string typeName)
    {
        Traceback = traceback;
        TypeName = typeName;
        RootFirst = [.. traceback.Reverse()];
    }

    /// <summary>The stack, innermost frame first (as in <see cref="Trace.Traceback"/>).</summary>
    public Traceback Traceback { get; }

    /// <summary>The stack, outermost caller first: the order flame graphs draw, from the root up.</summary>
    public IReadOnlyList<Frame> RootFirst { get; }

    /// <summary>The allocated type: the leaf of the flame graph path.</summary>
    public string TypeName { get; }

    public long AllocatedCount { get; private set; }

    public long AllocatedBytes { get; private set; }

    public long LiveCount { get; private set; }

    public long LiveBytes { get; private set; }

    /// <summary>Whether any of the four values is non-zero.</summary>
    public bool HasAnyValue => AllocatedCount != 0 || AllocatedBytes != 0 || LiveCount != 0 || LiveBytes != 0;

    /// <summary>The bytes of <paramref name="kind"/>: live or allocated.</summary>
    public long Bytes(MemoryKind kind) => kind == MemoryKind.Live ? LiveBytes : AllocatedBytes;

    /// <summary>The path a flame graph draws: the frame names, outermost caller first, then the type.</summary>
    public IEnumerable<string> Path() => RootFirst.Select(StackFolder.FrameName).Append(TypeName);

    /// <summary>Adds a trace's numbers; its live numbers only when <paramref name="withLive"/> (the snapshot has live data).</summary>
    public void Add(Trace trace, bool withLive)
    {
        AllocatedCount += trace.Count;
        AllocatedBytes += trace.Size;
        if (withLive)
        {
            LiveCount += trace.LiveCount;
            LiveBytes += trace.LiveSize;
        }
    }
}
