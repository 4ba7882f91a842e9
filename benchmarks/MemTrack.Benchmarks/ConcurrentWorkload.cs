namespace MemTrack.Benchmarks;

/// <summary>
/// <see cref="SmallObjectWorkload"/> split over <see cref="Threads"/> threads that allocate at the same time (each its
/// share of the objects), joined; returns each thread's kept objects.
/// </summary>
public static class ConcurrentWorkload
{
    public const int Threads = 4;

    public static List<SmallObjectWorkload.Item>[] Run()
    {
        var results = new List<SmallObjectWorkload.Item>[Threads];
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int slot = t;
            threads[t] = new Thread(() => results[slot] = SmallObjectWorkload.Run(SmallObjectWorkload.Objects / Threads, slot))
            {
                Name = $"Allocating thread {t}",
            };
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        return results;
    }
}
