namespace MemTrack.Cli.Internal;

/// <summary>Where a command writes: results to <see cref="Output"/>, progress and errors to <see cref="Error"/>.</summary>
/// <param name="Output">Standard output (results, pipeable).</param>
/// <param name="Error">Standard error (progress and errors).</param>
internal sealed record CliConsole(TextWriter Output, TextWriter Error);
