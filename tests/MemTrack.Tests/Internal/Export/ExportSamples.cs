using System.Text;
using MemTrack.Internal.Sampling;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Internal.Export;

/// <summary>A small handmade snapshot with known stacks and values, and helpers to export snapshots to memory.</summary>
internal static class ExportSamples
{
    public static readonly Frame Main = Frame("/src/App/Program.cs", 5, "App.Program.Main");
    public static readonly Frame Create = Frame("/src/App/Orders.cs", 10, "App.Orders.Create");
    public static readonly Frame Save = Frame("/src/App/Orders.cs", 40, "App.Orders.Save");
    public static readonly Frame Concat = NoSource("System.String.Concat", "System.Private.CoreLib.dll");

    /// <summary>Byte arrays partly alive, strings all dead (no live samples), orders all alive. Frames innermost first.</summary>
    public static readonly Trace Bytes = Trace("System.Byte[]", Stats(1000, 10, samples: 4), Stats(600, 6, samples: 2), Create, Main);
    public static readonly Trace Strings = Trace("System.String", Stats(200, 5, samples: 2), default(SampleStats), Concat, Create, Main);
    public static readonly Trace Orders = Trace("App.Order", Stats(300, 3, samples: 3), Stats(300, 3, samples: 3), Save, Main);

    public static Snapshot Sample() => Snapshot(Bytes, Strings, Orders);

    public static byte[] Export(Snapshot snapshot, ExportFormat format, MemoryKind kind = MemoryKind.Live)
    {
        using var stream = new MemoryStream();
        snapshot.Export(stream, format, kind);
        return stream.ToArray();
    }

    public static string ExportText(Snapshot snapshot, ExportFormat format, MemoryKind kind = MemoryKind.Live) =>
        Encoding.UTF8.GetString(Export(snapshot, format, kind));
}
