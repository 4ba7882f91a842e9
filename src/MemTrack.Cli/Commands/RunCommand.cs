using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MemTrack.Cli.Internal;
using MemTrack.Internal.Activation;
using MemTrack.Internal.Session;
using MemTrack.Internal.Storage;

namespace MemTrack.Cli.Commands;

/// <summary>
/// <c>memtrack run [options] -- &lt;command...&gt;</c>: runs a .NET 10 app under the startup hook (no code change) and
/// prints the report it writes at exit. Child processes inherit the variables and write their own reports.
/// </summary>
internal static class RunCommand
{
    public const string HookFileName = "MemTrack.StartupHook.dll";

    public static Command Create(CliConsole console)
    {
        Option<int> depth = new("--depth", "-d")
        {
            Description = $"Frames kept per traceback ({MemTrackerOptions.MinDepth} to {MemTrackerOptions.MaxDepth}).",
            DefaultValueFactory = _ => 10,
            Validators =
            {
                result => SharedOptions.RequireRange(
                    result, MemTrackerOptions.MinDepth, MemTrackerOptions.MaxDepth, $"--depth must be from {MemTrackerOptions.MinDepth} to {MemTrackerOptions.MaxDepth}."),
            },
        };
        Option<int> top = SharedOptions.Top(ExitReportOptions.MaxTop);
        Option<string?> snapshot = new("--snapshot", "-s") { Description = "Also dump the exit snapshot to this file ({pid} becomes the process id)." };
        Option<string?> report = new("--report", "-r") { Description = "Also keep the report in this file ({pid} becomes the process id)." };
        Option<bool> noLive = new("--no-live") { Description = "Trace allocations only, without live tracking (a little cheaper)." };
        Argument<string[]> commandLine = new("command")
        {
            Description = "The app to run, after --: e.g. -- dotnet bin/Release/net10.0/MyApp.dll, or the app's own executable.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("run", "Run a .NET 10 app traced through the startup hook and print its report at exit. Exits with the app's exit code.")
        {
            depth, top, snapshot, report, noLive, commandLine,
        };
        command.SetAction(result => CommandRunner.Run(console, () => Run(
            console,
            result.GetValue(commandLine)!,
            result.GetValue(depth),
            result.GetValue(top),
            live: !result.GetValue(noLive),
            result.GetValue(snapshot),
            result.GetValue(report))));
        return command;
    }

    private static int Run(CliConsole console, string[] commandLine, int depth, int top, bool live, string? snapshot, string? keptReport)
    {
        string hook = Path.Combine(AppContext.BaseDirectory, HookFileName);
        if (!File.Exists(hook))
        {
            throw new CommandFailedException($"the startup hook is missing ({hook}); reinstall the tool.", ExitCodes.RunFailed);
        }

        // Checked before the app runs: finding out after a long run would lose its report.
        RequireFolder("--snapshot", snapshot);
        RequireFolder("--report", keptReport);

        string directory = Directory.CreateTempSubdirectory("memtrack-run-").FullName;
        try
        {
            var start = new ProcessStartInfo(commandLine[0]) { UseShellExecute = false };
            foreach (string argument in commandLine.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            string? hooks = Environment.GetEnvironmentVariable("DOTNET_STARTUP_HOOKS");
            start.Environment["DOTNET_STARTUP_HOOKS"] = string.IsNullOrEmpty(hooks) ? hook : hooks + Path.PathSeparator + hook;
            string depthText = depth.ToString(CultureInfo.InvariantCulture);
            start.Environment[EnvironmentActivation.DepthVariable] = depthText;
            start.Environment[EnvironmentActivation.TopVariable] = top.ToString(CultureInfo.InvariantCulture);
            start.Environment[EnvironmentActivation.LiveVariable] = live ? "1" : "0";

            // Frames of inlined methods (the JIT reads it at startup only); a value the user set stays.
            if (Environment.GetEnvironmentVariable(RichDebugInfo.Variable) is null)
            {
                start.Environment[RichDebugInfo.Variable] = RichDebugInfo.On;
            }
            start.Environment[EnvironmentActivation.ReportVariable] = Path.Combine(directory, "report-{pid}.txt");
            if (snapshot is not null)
            {
                start.Environment[EnvironmentActivation.SnapshotVariable] = Path.GetFullPath(snapshot);
            }

            console.Error.WriteLine($"memtrack: tracing '{string.Join(' ', commandLine)}' (depth {depthText}); the report follows when it exits.");
            int exitCode = RunToEnd(start);
            string[] reports = Directory.GetFiles(directory, "report-*.txt");
            if (reports.Length == 0)
            {
                throw new CommandFailedException(
                    string.Create(CultureInfo.InvariantCulture, $"the app exited with code {exitCode} and wrote no MemTrack report; is it a .NET 10 app (dotnet app.dll, or its own executable)? Its standard error says why tracing did not start."),
                    ExitCodes.RunFailed);
            }

            PrintReports(console, reports, keptReport);
            return exitCode;
        }
        finally
        {
            DeleteQuietly(directory);
        }
    }

    private static void RequireFolder(string option, string? file)
    {
        string? folder = file is null ? null : Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new CommandFailedException($"{option} {file}: the folder {folder} does not exist.", ExitCodes.Usage);
        }
    }

    private static int RunToEnd(ProcessStartInfo start)
    {
        try
        {
            using Process process = Process.Start(start) ?? throw new CommandFailedException($"could not start '{start.FileName}'.", ExitCodes.RunFailed);

            // Ctrl+C (or a SIGTERM) reaches the app too, which then exits and writes its report: memtrack must stay
            // to print it, so the signals are ignored here while the app runs.
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
            using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = true);
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (Win32Exception ex)
        {
            throw new CommandFailedException($"could not start '{start.FileName}': {ex.Message}", ExitCodes.RunFailed);
        }
    }

    private static void KeepReport(CliConsole console, string text, string target)
    {
        try
        {
            PrivateFile.WriteText(target, text);
            console.Error.WriteLine($"memtrack: report kept in {target}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The report was printed; losing the copy must not cost the app's exit code.
            console.Error.WriteLine($"memtrack: the report could not be kept in {target}: {ex.Message}");
        }
    }

    private static void PrintReports(CliConsole console, string[] reports, string? keptReport)
    {
        foreach (string file in reports.OrderBy(File.GetLastWriteTimeUtc))
        {
            string pid = Path.GetFileNameWithoutExtension(file)["report-".Length..];
            string text = File.ReadAllText(file);
            if (reports.Length > 1)
            {
                console.Output.WriteLine($"== process {pid} ==");
            }

            console.Output.Write(text);
            if (keptReport is not null)
            {
                KeepReport(console, text, Path.GetFullPath(keptReport.Replace("{pid}", pid, StringComparison.Ordinal)));
            }
        }
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temporary folder left behind is no reason to fail the run.
        }
    }
}
