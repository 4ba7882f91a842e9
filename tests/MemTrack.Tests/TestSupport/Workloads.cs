using System.Runtime.CompilerServices;

namespace MemTrack.Tests.TestSupport;

/// <summary>Allocation workloads with known lines, for tests that check attribution.</summary>
internal static class Workloads
{
    /// <summary>The line this call is on.</summary>
    public static int Line([CallerLineNumber] int line = 0) => line;

    /// <summary>The seed workload of the tracemalloc article: lists of 100 objects holding 100 bytes each.</summary>
    public sealed class MyObject
    {
        public static readonly int DataLine = Line() + 1;
        public readonly byte[] Data = new byte[100];
    }

    public static readonly int NewObjectLine = Line() + 8;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static List<MyObject> GetData()
    {
        var values = new List<MyObject>();
        for (int i = 0; i < 100; i++)
        {
            var obj = new MyObject();
            values.Add(obj);
        }

        return values;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static List<List<MyObject>> Run(int lists)
    {
        var deepValues = new List<List<MyObject>>();
        for (int i = 0; i < lists; i++)
        {
            deepValues.Add(GetData());
        }

        return deepValues;
    }

    /// <summary>Allocates <paramref name="count"/> arrays of <paramref name="size"/> bytes on one line; big arrays are sampled almost surely.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static byte[][] Arrays(int count, int size)
    {
        var arrays = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            arrays[i] = new byte[size];
        }

        return arrays;
    }

    public static readonly int ArraysLine = Line() - 6;
}
