namespace MemTrack.Internal.Diagnostics;

/// <summary>
/// Raises <see cref="MemTracker.HealthChanged"/>: in the order of the changes, on a thread-pool thread (never on the
/// thread that caused the change, so never on an application thread or the tracer's reader), one change at a time.
/// A handler that throws is reported (<see cref="BackgroundFaults.HealthHandlerFailed"/>) and the others still run.
/// </summary>
internal static class HealthNotifier
{
    private static readonly Lock Gate = new();
    private static readonly Queue<TracerHealth> Pending = new();
    private static EventHandler<TracerHealth>? s_handlers;
    private static bool s_draining;

    public static void Add(EventHandler<TracerHealth>? handler)
    {
        lock (Gate)
        {
            s_handlers += handler;
        }
    }

    public static void Remove(EventHandler<TracerHealth>? handler)
    {
        lock (Gate)
        {
            s_handlers -= handler;
        }
    }

    /// <summary>Writes the change to the event source and queues it for the handlers; returns at once.</summary>
    public static void Raise(TracerHealth health)
    {
        if (MemTrackDiagnostics.Log.IsEnabled())
        {
            MemTrackDiagnostics.Log.HealthChanged(health.State.ToString(), health.Message);
        }

        lock (Gate)
        {
            if (s_handlers is null)
            {
                return;
            }

            Pending.Enqueue(health);
            if (s_draining)
            {
                return;
            }

            s_draining = true;
        }

        // No execution context: the handlers must not run inside whatever AsyncLocal state the causing thread had.
        ThreadPool.UnsafeQueueUserWorkItem(static _ => Drain(), null);
    }

    private static void Drain()
    {
        while (true)
        {
            TracerHealth health;
            Delegate[] handlers;
            lock (Gate)
            {
                if (!Pending.TryDequeue(out health!) || s_handlers is null)
                {
                    Pending.Clear();
                    s_draining = false;
                    return;
                }

                handlers = s_handlers.GetInvocationList();
            }

            foreach (EventHandler<TracerHealth> handler in handlers.Cast<EventHandler<TracerHealth>>())
            {
                try
                {
                    handler(null, health);
                }
                catch (Exception ex)
                {
                    BackgroundFaults.HealthHandlerFailed(ex);
                }
            }
        }
    }
}
