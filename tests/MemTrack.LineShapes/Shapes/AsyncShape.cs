using System.Runtime.CompilerServices;

namespace MemTrack.LineShapes.Shapes;

/// <summary>An async method that allocates before and after an await that yields now and then.</summary>
internal sealed class AsyncShape() : Shape(Here())
{
    public override IReadOnlyList<string> HotMethods => ["AsyncShape+<RunAsync>d__"];

    public override int Iterations => 2_000;

    public override int WarmIterations => 2;

    public override void Run(int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            RunAsync(100).GetAwaiter().GetResult();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task RunAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Sink.A = new A[10]; // alloc: A[]
            if (i % 25 == 0)
            {
                await Task.Yield();
            }

            Sink.B = new B[12]; // alloc: B[]
        }
    }

    internal struct A
    {
        public long X;
        public long Y;
    }

    internal struct B
    {
        public int X;
    }
}
