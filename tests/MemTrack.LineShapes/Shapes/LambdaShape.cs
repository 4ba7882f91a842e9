using System.Runtime.CompilerServices;

namespace MemTrack.LineShapes.Shapes;

/// <summary>A lambda and a local function that allocate, called from a loop.</summary>
internal sealed class LambdaShape() : Shape(Here())
{
    private static readonly Func<int, object> MakeA = i => new A[(i & 7) + 8]; // alloc: A[]

    public override IReadOnlyList<string> HotMethods => ["LambdaShape.Run", "LambdaShape.<Run>g__MakeB"];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Run(int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            Sink.A = MakeA(i); // inlines: A[]
            Sink.B = MakeB(i);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        static object MakeB(int i)
        {
            Sink.Total += i;
            return new B[(i & 3) + 6]; // alloc: B[]
        }
    }

    internal struct A
    {
        public long X;
    }

    internal struct B
    {
        public int X;
        public int Y;
    }
}
