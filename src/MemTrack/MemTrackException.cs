namespace MemTrack;

/// <summary>The root of the exceptions MemTrack throws for its own failures.</summary>
public class MemTrackException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public MemTrackException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MemTrackException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the failure that caused it.</summary>
    public MemTrackException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
