using System.Diagnostics;

namespace MemTrack.Tests.TestSupport;

/// <summary>A thread that allocates garbage until disposed: the noise of a busy test host.</summary>
internal sealed class BackgroundAllocator : IDisposable
{
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _running = new(false);
    private volatile bool _stop;
    private long _allocations;

    public BackgroundAllocator()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "test noise" };
        _thread.Start();
    }

    public long Allocations => Interlocked.Read(ref _allocations);

    public void WaitUntilRunning() => Assert.True(_running.Wait(TimeSpan.FromSeconds(10)), "the background allocator did not start");

    /// <summary>
    /// Spins until the thread has allocated again after <paramref name="mark"/> (a reading of <see cref="Allocations"/>)
    /// and returns the new reading; fails the test after 10 s. It allocates nothing itself (unless it fails), so it can
    /// run inside a measured block. Waits for two increments: the counter goes up after each allocation, so the first
    /// one may belong to an allocation made before the mark was read.
    /// </summary>
    public long WaitForMore(long mark)
    {
        long start = Stopwatch.GetTimestamp();
        var spinner = default(SpinWait);
        while (true)
        {
            long now = Interlocked.Read(ref _allocations);
            if (now > mark + 1)
            {
                return now;
            }

            if (Stopwatch.GetElapsedTime(start) > TimeSpan.FromSeconds(10))
            {
                Assert.Fail($"the background allocator did not allocate again within 10 s (still at {now}, mark {mark})");
            }

            spinner.SpinOnce();
        }
    }

    public void Dispose()
    {
        _stop = true;
        Assert.True(_thread.Join(TimeSpan.FromSeconds(10)), "the background allocator did not stop");
        _running.Dispose();
    }

    private void Run()
    {
        while (!_stop)
        {
            GC.KeepAlive(new string('x', 64));
            if (Interlocked.Increment(ref _allocations) == 1)
            {
                _running.Set();
            }
        }
    }
}
