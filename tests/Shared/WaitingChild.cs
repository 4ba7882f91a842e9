using System.Diagnostics;
using Xunit;

namespace MemTrack.Tests.Shared;

/// <summary>
/// A child process that stays alive to be inspected: started, then waited for until it prints its ready line on
/// standard output (bounded). Disposing it writes a line to its standard input (which tells tests/MemTrack.HookedApp's
/// "wait" mode to exit), waits a little and kills it if it is still running. A child started without a ready line
/// (any program, e.g. <c>sleep</c>) is taken as ready once started, and disposing it kills it at once.
/// </summary>
internal sealed class WaitingChild : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly string? _readyLine;

    private WaitingChild(Process process, string? readyLine)
    {
        _process = process;
        _readyLine = readyLine;
    }

    public int Id => _process.Id;

    /// <summary>Starts <paramref name="fileName"/> and returns once it has printed <c>ready</c>; fails the test otherwise.</summary>
    public static WaitingChild Start(string fileName, params string[] arguments) => Start(fileName, arguments, "ready");

    /// <summary>
    /// Starts <paramref name="fileName"/> and returns once it has printed <paramref name="readyLine"/>, or at once when
    /// that is null; fails the test if it exits first or does not print it within 30 s.
    /// </summary>
    public static WaitingChild Start(string fileName, string[] arguments, string? readyLine)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var child = new WaitingChild(Process.Start(start)!, readyLine);
        try
        {
            child.WaitForReady();
            return child;
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    /// <summary>Asks the child to exit (a line on its standard input), then kills it if it has not within 10 s; kills a child without a ready line at once.</summary>
    public void Dispose()
    {
        try
        {
            if (_readyLine is not null && !_process.HasExited)
            {
                _process.StandardInput.WriteLine("exit");
                _process.StandardInput.Flush();
            }
        }
        catch (IOException)
        {
            // It has just exited.
        }

        if (!_process.WaitForExit(_readyLine is null ? TimeSpan.Zero : TimeSpan.FromSeconds(10)))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void WaitForReady()
    {
        Task<string> errors = _process.StandardError.ReadToEndAsync();
        if (_readyLine is null)
        {
            _ = _process.StandardOutput.ReadToEndAsync();
            return;
        }

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Task<string?> line = _process.StandardOutput.ReadLineAsync();
            TimeSpan left = ReadyTimeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero || !line.Wait(left))
            {
                Assert.Fail($"The child process did not print '{_readyLine}' within {ReadyTimeout.TotalSeconds:0} s.");
            }

            if (line.Result is null)
            {
                _process.WaitForExit();
                Assert.Fail($"The child process exited with code {_process.ExitCode} before it was ready: {errors.Result}");
            }

            if (line.Result == _readyLine)
            {
                return;
            }
        }
    }
}
