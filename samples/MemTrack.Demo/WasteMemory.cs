using System.Runtime.CompilerServices;

namespace MemTrack.Demo;

/// <summary>waste_memory.py from the tracemalloc article, ported line for line.</summary>
internal static class WasteMemory
{
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
}
