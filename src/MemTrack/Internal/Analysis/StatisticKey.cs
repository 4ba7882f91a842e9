namespace MemTrack.Internal.Analysis;

/// <summary>What traces are grouped by in statistics: a traceback (one frame, all frames, or empty) and, for <see cref="KeyType.Type"/>, a type.</summary>
/// <param name="Traceback">The key's traceback.</param>
/// <param name="TypeName">The allocated type for <see cref="KeyType.Type"/>; null otherwise.</param>
internal readonly record struct StatisticKey(Traceback Traceback, string? TypeName)
{
    /// <summary>A total order on keys (type, then frames as file, line, method, module), used to break ties.</summary>
    public static int Order(Traceback xTraceback, string? xTypeName, Traceback yTraceback, string? yTypeName)
    {
        int order = string.CompareOrdinal(xTypeName, yTypeName);
        int common = Math.Min(xTraceback.Count, yTraceback.Count);
        for (int i = 0; order == 0 && i < common; i++)
        {
            order = OrderFrames(xTraceback[i], yTraceback[i]);
        }

        return order != 0 ? order : xTraceback.Count.CompareTo(yTraceback.Count);
    }

    private static int OrderFrames(Frame x, Frame y)
    {
        int order = string.CompareOrdinal(x.FileName ?? x.Module, y.FileName ?? y.Module);
        if (order == 0)
        {
            order = x.LineNumber.CompareTo(y.LineNumber);
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(x.Method, y.Method);
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(x.Module, y.Module);
        }

        return order != 0 ? order : (x.FileName is null).CompareTo(y.FileName is null);
    }
}
