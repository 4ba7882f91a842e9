using MemTrack.Cli.Internal;

namespace MemTrack.Cli.Commands;

/// <summary>Runs a command's work and turns expected failures into one line on standard error and an exit code.</summary>
internal static class CommandRunner
{
    public static int Run(CliConsole console, Action work) =>
        Run(console, () =>
        {
            work();
            return ExitCodes.Success;
        });

    public static int Run(CliConsole console, Func<int> work)
    {
        try
        {
            return work();
        }
        catch (CommandFailedException ex)
        {
            console.Error.WriteLine("memtrack: " + ex.Message);
            return ex.ExitCode;
        }
        catch (Exception ex)
        {
            // A bug, not the user's mistake: one line, not a stack trace, and its own exit code.
            console.Error.WriteLine($"memtrack: internal error: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
            return ExitCodes.InternalError;
        }
    }
}
