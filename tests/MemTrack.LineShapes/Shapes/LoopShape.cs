using System.Runtime.CompilerServices;

namespace MemTrack.LineShapes.Shapes;

/// <summary>A loop body that allocates two arrays between other statements.</summary>
internal sealed class LoopShape() : Shape(Here())
{
    public override IReadOnlyList<string> HotMethods => ["LoopShape.Run"];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Run(int iterations)
    {
        long total = 0;
        for (int i = 0; i < iterations; i++)
        {
            var a = new A[40]; // alloc: A[]
            total += a.Length;
            Sink.A = a;
            var b = new B[30]; // alloc: B[]
            total += b.Length;
            Sink.B = b;
        }

        Sink.Total += total;
    }

    internal struct A
    {
        public int X;
        public int Y;
        public int Z;
    }

    internal struct B
    {
        public long Value;
    }
}
