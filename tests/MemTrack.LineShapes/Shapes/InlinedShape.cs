using System.Runtime.CompilerServices;

namespace MemTrack.LineShapes.Shapes;

/// <summary>A small constructor the JIT inlines into its caller, <c>list.Add(new Holder())</c>.</summary>
internal sealed class InlinedShape() : Shape(Here())
{
    public override IReadOnlyList<string> HotMethods => ["InlinedShape.Run"];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Run(int iterations)
    {
        var list = new List<Holder>(64);
        for (int i = 0; i < iterations; i++)
        {
            list.Add(new Holder()); // alloc: Holder inlines: Payload[]
            if (list.Count == 64)
            {
                Sink.A = list;
                list.Clear();
            }
        }
    }

    internal sealed class Holder
    {
        public Holder()
        {
            Data = new Payload[25]; // alloc: Payload[]
        }

        public Payload[] Data { get; }
    }

    internal struct Payload
    {
        public int X;
    }
}
