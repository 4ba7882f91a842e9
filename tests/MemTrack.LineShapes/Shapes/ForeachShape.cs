using System.Runtime.CompilerServices;

namespace MemTrack.LineShapes.Shapes;

/// <summary><c>foreach</c> over a list and over an array, each body allocating.</summary>
internal sealed class ForeachShape() : Shape(Here())
{
    private static readonly List<int> List = [.. Enumerable.Range(1, 100)];
    private static readonly int[] Array = [.. Enumerable.Range(1, 100)];

    public override IReadOnlyList<string> HotMethods => ["ForeachShape.Run", "ForeachShape.OverList", "ForeachShape.OverArray"];

    public override int Iterations => 2_000;

    public override int WarmIterations => 2;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Run(int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            OverList();
            OverArray();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OverList()
    {
        foreach (int n in List)
        {
            Sink.A = new A[(n & 7) + 4]; // alloc: A[]
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OverArray()
    {
        foreach (int n in Array)
        {
            Sink.B = new B[(n & 7) + 4]; // alloc: B[]
        }
    }

    internal struct A
    {
        public long X;
    }

    internal struct B
    {
        public long X;
        public long Y;
    }
}
