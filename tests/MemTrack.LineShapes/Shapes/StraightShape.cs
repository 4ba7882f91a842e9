using System.Runtime.CompilerServices;

namespace MemTrack.LineShapes.Shapes;

/// <summary>Straight-line code without a loop: three allocations in a row, the method called from a loop.</summary>
internal sealed class StraightShape() : Shape(Here())
{
    public override IReadOnlyList<string> HotMethods => ["StraightShape.Make", "StraightShape.Run"];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Run(int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            Make(i);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Make(int i)
    {
        var a = new A[12]; // alloc: A[]
        a[i % a.Length] = default;
        var b = new B(i); // alloc: B
        Sink.A = a;
        Sink.B = b;
        Sink.C = new C[6]; // alloc: C[]
    }

    internal struct A
    {
        public long X;
        public long Y;
    }

    internal sealed class B(int value)
    {
        public long Value = value;
        public long Other = value * 2;
        public object? Next;
    }

    internal struct C
    {
        public int X;
    }
}
