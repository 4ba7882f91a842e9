using Microsoft.Diagnostics.NETCore.Client;

namespace MemTrack.Internal.Session;

/// <summary>Opening, stopping and closing EventPipe sessions (to the current process, or another one for a heap capture), with bounded waits.</summary>
internal static class SessionConnection
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Starts a session. Throws <see cref="DiagnosticsUnavailableException"/> when the diagnostics
    /// server cannot be reached within 10 s, and <see cref="MemTrackException"/> when the runtime refuses the session.
    /// </summary>
    /// <param name="client">The client of the target process.</param>
    /// <param name="configuration">The session.</param>
    /// <param name="otherProcessId">The target's id when it is not the current process (for the messages).</param>
    public static EventPipeSession Connect(DiagnosticsClient client, EventPipeSessionConfiguration configuration, int? otherProcessId = null)
    {
        Task<EventPipeSession> connect = OnOwnThread(() => client.StartEventPipeSession(configuration), "MemTrack session start");
        try
        {
            if (connect.Wait(ConnectTimeout))
            {
                return connect.Result;
            }
        }
        catch (AggregateException ex) when (ex.InnerException is ServerNotAvailableException or IOException or UnauthorizedAccessException or TimeoutException or PlatformNotSupportedException)
        {
            throw Unavailable(ex.InnerException, otherProcessId);
        }
        catch (AggregateException ex) when (ex.InnerException is ServerErrorException)
        {
            throw new MemTrackException("The runtime refused the tracing session: " + ex.InnerException.Message, ex.InnerException);
        }
        catch (AggregateException ex) when (ex.InnerException is { } cause)
        {
            // Anything else the client throws still reaches the caller as the documented exception type, with its cause.
            throw new MemTrackException($"The tracing session could not be opened ({cause.GetType().Name}: {cause.Message}).", cause);
        }

        throw Unavailable(null, otherProcessId);
    }

    /// <summary>
    /// Asks the runtime to stop the session from a thread of its own, so the caller's reader can keep draining the
    /// stream meanwhile (the stop-time deadlock of dotnet/runtime#1892, #36108). Never throws.
    /// </summary>
    public static Task StopInBackground(EventPipeSession session) => OnOwnThread(
        () =>
        {
            try
            {
                session.Stop();
            }
            catch (Exception ex) when (ex is ServerNotAvailableException or IOException or ObjectDisposedException or TimeoutException or ServerErrorException)
            {
                // The session is already gone; the reader will see the end of the stream.
            }

            return true;
        },
        "MemTrack session stop");

    /// <summary>
    /// Stops a session while its reader drains the stream: asks the runtime to stop (<see cref="StopInBackground"/>),
    /// waits up to <paramref name="drainTimeout"/> for the reader to finish, closes the session (which unblocks a
    /// reader that did not finish; when it did, only if <paramref name="disposeWhenDrained"/>), then waits for the stop
    /// request, up to <paramref name="stopTimeout"/> if the reader finished. Returns whether it did.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="readerFinished">Waits up to the given time for the reader to reach the end of the stream; true once it has.</param>
    /// <param name="drainTimeout">How long the reader may take.</param>
    /// <param name="stopTimeout">How long the stop request may take after the reader finished.</param>
    /// <param name="disposeWhenDrained">Whether to close the session even when the reader finished.</param>
    public static bool StopAndDrain(EventPipeSession session, Func<TimeSpan, bool> readerFinished, TimeSpan drainTimeout, TimeSpan stopTimeout, bool disposeWhenDrained)
    {
        Task stop = StopInBackground(session);
        bool drained = readerFinished(drainTimeout);
        if (!drained || disposeWhenDrained)
        {
            DisposeQuietly(session);
        }

        _ = stop.Wait(drained ? stopTimeout : TimeSpan.Zero);
        return drained;
    }

    /// <summary>
    /// Runs blocking IPC work on a background thread of its own, not the thread pool: the caller waits for it with a
    /// timeout, and a caller that is itself a pool thread must not starve the pool (which would make it inject
    /// threads, visible as growth between heap captures). The task carries the work's exception.
    /// </summary>
    internal static Task<T> OnOwnThread<T>(Func<T> work, string name)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(work());
            }
            catch (Exception ex)
            {
                completion.SetException(ex); // observed by the caller's wait, never thrown on this thread
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return completion.Task;
    }

    public static void DisposeQuietly(EventPipeSession session)
    {
        try
        {
            session.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or ServerNotAvailableException)
        {
            // Already closed.
        }
    }

    private static DiagnosticsUnavailableException Unavailable(Exception? cause, int? otherProcessId)
    {
        string message = otherProcessId is int pid
            ? $"MemTrack could not reach the diagnostics server of process {pid}"
              + (cause is null ? $" within {ConnectTimeout.TotalSeconds:0} s" : $" ({cause.GetType().Name}: {cause.Message})")
              + ". Make sure it is a running .NET process of the same user with diagnostics enabled (DOTNET_EnableDiagnostics "
              + "unset or 1), and that both use the same temporary directory (TMPDIR), where its IPC socket is."
            : "MemTrack could not reach this process's diagnostics server, which it needs to trace allocations"
              + (cause is null ? $" (no answer within {ConnectTimeout.TotalSeconds:0} s)" : $" ({cause.GetType().Name})")
              + ": " + OwnProcessHint();
        return cause is null ? new DiagnosticsUnavailableException(message) : new DiagnosticsUnavailableException(message, cause);
    }

    /// <summary>Why this process's diagnostics server is likely unreachable, and how to fix it.</summary>
    private static string OwnProcessHint()
    {
        foreach (string variable in (string[])["DOTNET_EnableDiagnostics", "COMPlus_EnableDiagnostics", "DOTNET_EnableDiagnostics_IPC"])
        {
            if (Environment.GetEnvironmentVariable(variable) == "0")
            {
                return $"diagnostics are disabled ({variable}=0). Unset {variable} or set it to 1, or start MemTrack with "
                    + "MemTrackerOptions.AllowDegradedMode to run with exact totals only.";
            }
        }

        string temp = Path.GetTempPath();
        if (!IsWritable(temp))
        {
            return $"the temporary directory {temp} is not writable, so the runtime could not create its IPC socket there. "
                + "Set TMPDIR to a writable directory, or start MemTrack with MemTrackerOptions.AllowDegradedMode to run with exact totals only.";
        }

        return $"its IPC socket was not found in {temp}. Make sure diagnostics are enabled (DOTNET_EnableDiagnostics unset or 1) "
            + "and that TMPDIR is the same, writable directory it was when the process started.";
    }

    private static bool IsWritable(string directory)
    {
        try
        {
            using var probe = new FileStream(Path.Combine(directory, $".memtrack-probe-{Environment.ProcessId}-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
