namespace MemTrack.Benchmarks;

/// <summary>
/// A GC-heavy variant of the seed workload, mostly garbage: <see cref="Objects"/> new <see cref="SeedWorkload.MyObject"/>
/// (each with its byte[100], ~150 bytes the pair) of which one in <see cref="RetainEvery"/> is kept in the returned
/// list (a modest retained set, ~9 MB, scattered among the garbage) and the rest die young. The garbage escapes to a
/// small static array, so the JIT cannot allocate it on the stack. Many gen0 GCs, each with few, sparse survivors.
/// </summary>
public static class GcHeavyWorkload
{
    public const int Objects = 30_000_000;
    public const int RetainEvery = 500;

    // A power of two, so that the slot is a mask of the index.
    private static readonly object?[] Sink = new object?[64];

    public static List<SeedWorkload.MyObject> Run()
    {
        var retained = new List<SeedWorkload.MyObject>(Objects / RetainEvery);
        for (int i = 0; i < Objects; i++)
        {
            var obj = new SeedWorkload.MyObject();
            if (i % RetainEvery == 0)
            {
                retained.Add(obj);
            }
            else
            {
                Sink[i & (Sink.Length - 1)] = obj;
            }
        }

        Array.Clear(Sink);
        return retained;
    }
}
