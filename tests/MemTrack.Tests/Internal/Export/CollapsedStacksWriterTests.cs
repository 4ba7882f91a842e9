using static MemTrack.Tests.Internal.Export.ExportSamples;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Internal.Export;

public class CollapsedStacksWriterTests
{
    [Fact]
    public void Live_export_lists_each_live_stack_root_first_with_its_type_and_bytes()
    {
        Assert.Equal(
            "App.Program.Main (Program.cs:5);App.Orders.Create (Orders.cs:10);System.Byte[] 600\n"
            + "App.Program.Main (Program.cs:5);App.Orders.Save (Orders.cs:40);App.Order 300\n",
            ExportText(Sample(), ExportFormat.CollapsedStacks));
    }

    [Fact]
    public void Allocated_export_counts_every_allocation_and_names_frames_without_source_by_module()
    {
        Assert.Equal(
            "App.Program.Main (Program.cs:5);App.Orders.Create (Orders.cs:10);System.Byte[] 1000\n"
            + "App.Program.Main (Program.cs:5);App.Orders.Create (Orders.cs:10);System.Private.CoreLib.dll!System.String.Concat;System.String 200\n"
            + "App.Program.Main (Program.cs:5);App.Orders.Save (Orders.cs:40);App.Order 300\n",
            ExportText(Sample(), ExportFormat.CollapsedStacks, MemoryKind.Allocated));
    }

    [Fact]
    public void Semicolons_and_line_breaks_in_names_cannot_split_frames_or_lines()
    {
        Snapshot snapshot = Snapshot(Trace("My;Type\nX", Stats(64, 1), Frame("/src/W.cs", 1, "App.Weird;Name"), Main));
        Assert.Equal(
            "App.Program.Main (Program.cs:5);App.Weird:Name (W.cs:1);My:Type X 64\n",
            ExportText(snapshot, ExportFormat.CollapsedStacks));
    }

    [Fact]
    public void Stacks_with_the_same_path_make_one_line()
    {
        // The same method and line in two directories: one name, so one line with the sum.
        Snapshot snapshot = Snapshot(
            Trace(64, 1, Frame("/a/Same.cs", 3, "App.M")),
            Trace(36, 1, Frame("/b/Same.cs", 3, "App.M")));
        Assert.Equal("App.M (Same.cs:3);System.Byte[] 100\n", ExportText(snapshot, ExportFormat.CollapsedStacks));
    }

    [Fact]
    public void An_empty_snapshot_exports_nothing()
    {
        Assert.Equal(string.Empty, ExportText(Snapshot(), ExportFormat.CollapsedStacks));
        Assert.Equal(string.Empty, ExportText(Snapshot(Strings), ExportFormat.CollapsedStacks));
    }
}
