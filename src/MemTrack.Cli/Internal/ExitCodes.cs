namespace MemTrack.Cli.Internal;

/// <summary>The exit codes of <c>memtrack</c> (README, "Command-line tool").</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>A file is missing, unreadable or not a MemTrack snapshot, or the snapshot lacks what was asked (e.g. live data); or <c>heap</c> found no .NET process with diagnostics at the pid, or its capture failed.</summary>
    public const int BadInput = 1;

    /// <summary>The command line is wrong (unknown command or option, missing argument); the message says what.</summary>
    public const int Usage = 2;

    /// <summary><c>memtrack run</c> could not start the command, or the app wrote no report.</summary>
    public const int RunFailed = 3;

    /// <summary>An unexpected error inside memtrack (a bug): one line on standard error names it.</summary>
    public const int InternalError = 4;
}
