using System.CommandLine;
using System.CommandLine.Help;
using MemTrack.Cli.Commands;
using MemTrack.Cli.Internal;

namespace MemTrack.Cli;

/// <summary>The <c>memtrack</c> command line: builds the commands and runs one.</summary>
internal static class CliApp
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var console = new CliConsole(output, error);
        // A plain command named "memtrack" (a RootCommand takes the name of the entry assembly, MemTrack.Cli).
        var root = new Command("memtrack", "tracemalloc for .NET from the command line. Read snapshots (top, compare, report), export them (speedscope, pprof, collapsed, flamegraph), trace an app with no code change (run), or capture the heap of a running .NET process (heap). Exit codes: 0 done; 1 bad input (a file missing, unreadable or not a snapshot, an output that cannot be written, no live data, no .NET process at the pid); 2 bad command line; 3 run could not trace the app; 4 internal error; run otherwise returns the app's own exit code.")
        {
            new HelpOption(),
            new VersionOption(),
            TopCommand.Create(console),
            CompareCommand.Create(console),
            ReportCommand.Create(console),
            ExportCommand.Create(console),
            RunCommand.Create(console),
            HeapCommand.Create(console),
        };
        ParseResult result = root.Parse(args);
        // Failures are turned into one line by CommandRunner; Ctrl+C is left to the commands (run waits for its app).
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        if (result.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError parseError in result.Errors)
            {
                error.WriteLine("memtrack: " + parseError.Message);
            }

            error.WriteLine("Run 'memtrack --help' or 'memtrack <command> --help' for usage.");
            return ExitCodes.Usage;
        }

        return result.Invoke(configuration);
    }
}
