using System.Globalization;
using MemTrack.Internal.Diagnostics;
using MemTrack.Internal.Storage;

namespace MemTrack.Internal.Reporting;

/// <summary>
/// Writes <see cref="MemTrackerOptions.ExitReport"/> when the process exits. The work runs on its own thread and is
/// abandoned after <see cref="ExitReportOptions.Timeout"/>, so a stuck session never holds up the exit; a failure is
/// one line on standard error and an event of the <c>MemTrack</c> event source, never an exception in the exiting thread.
/// </summary>
internal static class ExitReporter
{
    /// <summary>Writes the report of <paramref name="tracer"/>; returns whether it was written in time.</summary>
    /// <param name="tracer">The running tracer.</param>
    /// <param name="options">What to write where.</param>
    /// <param name="sessionEnding">
    /// True at process exit, when the runtime has already ended the session (the snapshot is read once the reader has
    /// drained it); false while the session still runs, as when an unhandled exception is about to end the process.
    /// </param>
    public static bool Run(Tracer tracer, ExitReportOptions options, bool sessionEnding)
    {
        // One deadline: the snapshot gets most of it, so that when the session does not end in time the snapshot
        // gives up first and says why, before this wait abandons the thread.
        TimeSpan snapshotTimeout = options.Timeout * 0.8;
        Exception? failure = null;
        using var done = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            try
            {
                Write(tracer, options, sessionEnding, snapshotTimeout);
            }
            catch (Exception exception)
            {
                failure = exception;
            }
            finally
            {
                done.Set();
            }
        })
        {
            IsBackground = true,
            Name = "MemTrack exit report",
        };
        thread.Start();
        if (!done.Wait(options.Timeout))
        {
            Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"the exit report did not finish within {options.Timeout.TotalSeconds:0.###} s (ExitReportOptions.Timeout) and was abandoned."));
            return false;
        }

        if (failure is not null)
        {
            Fail("the exit report failed: " + BackgroundFaults.Describe(failure));
            return false;
        }

        return true;
    }

    /// <summary>One line on standard error (the report's reader is likely there) and the MemTrack event source.</summary>
    private static void Fail(string message)
    {
        BackgroundFaults.ExitReportFailed(message);
        try
        {
            Console.Error.WriteLine("MemTrack: " + message);
        }
        catch (IOException)
        {
            // Standard error is closed: the event source has it.
        }
    }

    private static void Write(Tracer tracer, ExitReportOptions options, bool sessionEnding, TimeSpan snapshotTimeout)
    {
        (Snapshot snapshot, TracerFacts facts) = sessionEnding ? tracer.TakeFinalSnapshot(snapshotTimeout) : tracer.TakeEndingSnapshot(snapshotTimeout);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        SnapshotReport.Write(text, snapshot, options.Top, options.TracebackFrames, facts);
        if (options.SnapshotPath is not null)
        {
            // A snapshot file that cannot be written must not cost the report.
            text.WriteLine();
            try
            {
                snapshot.Dump(options.SnapshotPath);
                text.WriteLine($"Snapshot written to {Path.GetFullPath(options.SnapshotPath)} (memtrack top <file>, or Snapshot.Load).");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                text.WriteLine($"The snapshot could not be written to {options.SnapshotPath}: {ex.Message.ReplaceLineEndings(" ")}");
            }
        }

        string report = text.ToString();
        if (options.Path is not null)
        {
            PrivateFile.WriteText(options.Path, report);
        }
        else
        {
            TextWriter writer = options.Writer ?? Console.Error;
            writer.Write(report);
            writer.Flush();
        }
    }
}
