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
