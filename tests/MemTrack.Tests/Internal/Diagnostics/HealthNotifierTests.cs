using System.Collections.Concurrent;
using MemTrack.Internal.Diagnostics;

namespace MemTrack.Tests.Internal.Diagnostics;

public sealed class HealthNotifierTests
{
    [Fact]
    public void ChangesReachTheHandlersInOrderOnAnotherThread()
    {
        TracerHealth[] raised = [.. Enumerable.Range(0, 200).Select(i => new TracerHealth(TracerState.Degraded, "change " + i, null, i, 0, DateTimeOffset.Now))];
        var received = new ConcurrentQueue<(TracerHealth Health, int Thread)>();
        using var all = new CountdownEvent(raised.Length);
        EventHandler<TracerHealth> handler = (_, health) =>
        {
            if (raised.Contains(health))
            {
                received.Enqueue((health, Environment.CurrentManagedThreadId));
                all.Signal();
            }
        };
        HealthNotifier.Add(handler);
        try
        {
            foreach (TracerHealth health in raised)
            {
                HealthNotifier.Raise(health);
            }

            Assert.True(all.Wait(TimeSpan.FromSeconds(10)), $"{received.Count} of {raised.Length} changes arrived");
        }
        finally
        {
            HealthNotifier.Remove(handler);
        }

        Assert.Equal(raised, received.Select(r => r.Health));
        Assert.DoesNotContain(received, r => r.Thread == Environment.CurrentManagedThreadId);
    }
}
