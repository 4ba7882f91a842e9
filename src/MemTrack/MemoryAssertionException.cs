namespace MemTrack;

/// <summary>
/// A <see cref="MemoryAssert"/> check failed. The message says what was measured, the limit, and where the memory went.
/// Test frameworks (xunit, NUnit, MSTest) report it as a failed test.
/// </summary>
public sealed class MemoryAssertionException : MemTrackException
{
    /// <summary>Creates an exception with no message.</summary>
    public MemoryAssertionException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MemoryAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the failure that caused it.</summary>
    public MemoryAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
