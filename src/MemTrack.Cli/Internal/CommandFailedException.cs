namespace MemTrack.Cli.Internal;

/// <summary>A failure the user can fix, reported as one line on standard error with an exit code.</summary>
internal sealed class CommandFailedException : Exception
{
    public CommandFailedException(string message, int exitCode = ExitCodes.BadInput)
        : base(message) => ExitCode = exitCode;

    public CommandFailedException()
        : this("The command failed.")
    {
    }

    public CommandFailedException(string message)
        : this(message, ExitCodes.BadInput)
    {
    }

    public CommandFailedException(string message, Exception innerException)
        : base(message, innerException) => ExitCode = ExitCodes.BadInput;

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }
}
