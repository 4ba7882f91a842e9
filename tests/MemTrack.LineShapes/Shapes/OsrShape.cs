using System.Runtime.CompilerServices;

namespace MemTrack.LineShapes.Shapes;

/// <summary>A long loop in a method called once: tier 0 code replaced mid-loop by on-stack replacement.</summary>
internal sealed class OsrShape() : Shape(Here())
{
    /// <summary>Never warmed: the one measured call runs at tier 0 until the loop is patched over to optimized code.</summary>
    public override IReadOnlyList<string> HotMethods => [];

    public override int WarmIterations => 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Run(int iterations)
    {
        long total = 0;
        for (int i = 0; i < iterations; i++)
        {
            var a = new A[20]; // alloc: A[]
            total += a.Length;
            Sink.A = a;
            Sink.B = new B[14]; // alloc: B[]
        }

        Sink.Total += total;
    }

    internal struct A
    {
        public long X;
    }

    internal struct B
    {
        public long X;
        public int Y;
    }
}
