namespace MemTrack.Tests.Shared;

/// <summary>
/// Background threads that allocate at full speed until disposed: arrays of 16 B to 8 KiB, each thread keeping its
/// last 1,024 alive so that GCs have survivors to promote and move. Shared by the stress tests and the test app
/// (which links this file only: it uses nothing of xunit).
/// </summary>
internal sealed class AllocatingThreads : IDisposable
{
    private readonly Thread[] _threads;
    private readonly long[] _bytes;
    private volatile bool _stop;

    public AllocatingThreads(int count)
    {
        _bytes = new long[count];
        _threads = new Thread[count];
        for (int i = 0; i < count; i++)
        {
            int index = i;
            _threads[i] = new Thread(() => Run(index)) { IsBackground = true, Name = "allocator " + index };
            _threads[i].Start();
        }
    }

    /// <summary>Bytes of arrays each thread has allocated so far (payload only, without object headers).</summary>
    public long[] BytesPerThread => [.. _bytes.Select((_, i) => Interlocked.Read(ref _bytes[i]))];

    /// <summary>Waits until every thread has allocated at least <paramref name="bytes"/>; false after <paramref name="timeout"/>.</summary>
    public bool WaitUntilEachAllocated(long bytes, TimeSpan timeout) =>
        SpinWait.SpinUntil(() => BytesPerThread.All(b => b >= bytes), timeout);

    /// <summary>Stops the threads; returns whether they all ended within 10 s.</summary>
    public bool Stop()
    {
        _stop = true;
        return _threads.All(thread => thread.Join(TimeSpan.FromSeconds(10)));
    }

    public void Dispose() => Stop();

    private void Run(int index)
    {
        var kept = new byte[1024][];
        var random = new Random(index);
        long allocated = 0;
        for (long i = 0; !_stop; i++)
        {
            var array = new byte[16 << random.Next(10)];
            kept[i & 1023] = array;
            allocated += array.Length;
            if ((i & 255) == 0)
            {
                Interlocked.Exchange(ref _bytes[index], allocated);
            }
        }
    }
}
