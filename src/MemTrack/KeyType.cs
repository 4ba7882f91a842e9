namespace MemTrack;

/// <summary>How <see cref="Snapshot.Statistics"/> and <see cref="Snapshot.CompareTo"/> group traces (tracemalloc's <c>key_type</c>).</summary>
public enum KeyType
{
    /// <summary>Group by the innermost source line (<c>'lineno'</c>).</summary>
    LineNo,

    /// <summary>Group by the innermost source file (<c>'filename'</c>); frames without a PDB group by module.</summary>
    FileName,

    /// <summary>Group by the whole traceback (<c>'traceback'</c>).</summary>
    Traceback,

    /// <summary>Group by the innermost method.</summary>
    Method,

    /// <summary>Group by the allocated type.</summary>
    Type,
}
