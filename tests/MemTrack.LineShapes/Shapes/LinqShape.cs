using System.Runtime.CompilerServices;

namespace MemTrack.LineShapes.Shapes;

/// <summary>LINQ: a Select whose lambda allocates, materialized by ToArray inside the framework.</summary>
internal sealed class LinqShape() : Shape(Here())
{
    private static readonly int[] Numbers = [.. Enumerable.Range(1, 64)];

    public override IReadOnlyList<string> HotMethods => ["LinqShape.Run"];

    public override int Iterations => 10_000;

    public override int WarmIterations => 5;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Run(int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            Sink.A = Numbers.Where(n => n > 1).Select(n => new A(n)).ToArray(); // alloc: A alloc: A[]
        }
    }

    internal sealed class A(int value)
    {
        public long Value = value;
    }
}
