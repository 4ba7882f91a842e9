namespace MemTrack;

/// <summary>
/// Thrown by <see cref="MemTracker.Start(MemTrackerOptions)"/> when the runtime's diagnostics server cannot be
/// reached (for example <c>DOTNET_EnableDiagnostics=0</c>, or no writable temporary directory for its IPC socket).
/// </summary>
public sealed class DiagnosticsUnavailableException : MemTrackException
{
    /// <summary>Creates an exception with no message.</summary>
    public DiagnosticsUnavailableException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public DiagnosticsUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the failure that caused it.</summary>
    public DiagnosticsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
