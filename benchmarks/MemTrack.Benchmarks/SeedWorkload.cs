namespace MemTrack.Benchmarks;

/// <summary>
/// The workload of the tracemalloc article (waste_memory.py): each <see cref="MyObject"/> holds a 100-byte array,
/// <see cref="GetData"/> builds a list of 100 of them, <see cref="Run"/> builds 20,000 such lists (2,000,000 objects,
/// about 300 MB allocated, all of it reachable from the result until the caller drops it).
/// </summary>
public static class SeedWorkload
{
    public const int ListsPerRun = 20_000;
    public const int ObjectsPerList = 100;

    public sealed class MyObject
    {
        public byte[] Data { get; } = new byte[100];
    }

    public static List<MyObject> GetData()
    {
        var values = new List<MyObject>();
        for (int i = 0; i < ObjectsPerList; i++)
        {
            var obj = new MyObject();
            values.Add(obj);
        }

        return values;
    }

    public static List<List<MyObject>> Run()
    {
        var deepValues = new List<List<MyObject>>();
        for (int i = 0; i < ListsPerRun; i++)
        {
            deepValues.Add(GetData());
        }

        return deepValues;
    }
}
