namespace MemTrack.Tests.Shared;

/// <summary>What a child process printed and how it ended.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Everything written to standard output.</param>
/// <param name="StandardError">Everything written to standard error.</param>
/// <param name="Elapsed">Wall time from start to exit.</param>
internal sealed record ChildResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    /// <summary>Both streams, output first.</summary>
    public string Output => StandardOutput + StandardError;
}
