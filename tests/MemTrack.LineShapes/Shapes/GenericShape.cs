using System.Runtime.CompilerServices;

namespace MemTrack.LineShapes.Shapes;

/// <summary>Generic methods over a reference type (shared code) and a value type (specialized code).</summary>
internal sealed class GenericShape() : Shape(Here())
{
    public override IReadOnlyList<string> HotMethods => ["GenericShape.Run", "GenericShape.Fill", "GenericShape.Wrap"];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public override void Run(int iterations)
    {
        var item = new Item();
        for (int i = 0; i < iterations; i++)
        {
            Sink.A = Fill(item, 9);
            Sink.B = Wrap(i);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T[] Fill<T>(T value, int count)
    {
        var items = new T[count]; // alloc: Item[]
        items[0] = value;
        return items;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Box<T> Wrap<T>(T value)
    {
        Sink.Total++;
        return new Box<T>(value); // alloc: Box`1[System.Int32]
    }

    internal sealed class Item
    {
        public long Value;
    }

    internal sealed class Box<T>(T value)
    {
        public T Value = value;
        public long Stamp;
        public object? Next;
    }
}
