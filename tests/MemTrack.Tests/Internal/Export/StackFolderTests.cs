using MemTrack.Internal.Export;
using MemTrack.Internal.Sampling;
using static MemTrack.Tests.Internal.Export.ExportSamples;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Internal.Export;

public class StackFolderTests
{
    [Fact]
    public void Frames_are_named_with_file_and_line_or_module()
    {
        Assert.Equal("App.Orders.Create (Orders.cs:10)", StackFolder.FrameName(Create));
        Assert.Equal("App.Orders.Create (Orders.cs)", StackFolder.FrameName(Create with { LineNumber = 0 }));
        Assert.Equal("System.Private.CoreLib.dll!System.String.Concat", StackFolder.FrameName(Concat));
        Assert.Equal("App.M (Build.cs:7)", StackFolder.FrameName(new Frame("App.M", @"C:\agent\src\Build.cs", 7, "App.dll")));
        Assert.Equal("App.M (Bare.cs:7)", StackFolder.FrameName(new Frame("App.M", "Bare.cs", 7, "App.dll")));
    }

    [Fact]
    public void Paths_run_root_first_and_end_with_the_type()
    {
        FoldedStack stack = StackFolder.Fold(Sample()).Single(s => s.TypeName == "System.String");
        Assert.Equal(
            ["App.Program.Main (Program.cs:5)", "App.Orders.Create (Orders.cs:10)", "System.Private.CoreLib.dll!System.String.Concat", "System.String"],
            stack.Path());
        Assert.Equal([Main, Create, Concat], stack.RootFirst);
        Assert.Equal(Strings.Traceback, stack.Traceback);
    }

    [Fact]
    public void Values_are_the_traces_numbers_and_traces_of_one_stack_and_type_are_summed()
    {
        Trace again = Trace("System.Byte[]", Stats(24, 2), Stats(8, 1), Create, Main);
        IReadOnlyList<FoldedStack> stacks = StackFolder.Fold(Snapshot(Bytes, Orders, again));
        FoldedStack bytes = stacks.Single(s => s.TypeName == "System.Byte[]");
        Assert.Equal((12L, 1024L, 7L, 608L), (bytes.AllocatedCount, bytes.AllocatedBytes, bytes.LiveCount, bytes.LiveBytes));
        FoldedStack orders = stacks.Single(s => s.TypeName == "App.Order");
        Assert.Equal((Orders.Count, Orders.Size, Orders.LiveCount, Orders.LiveSize), (orders.AllocatedCount, orders.AllocatedBytes, orders.LiveCount, orders.LiveBytes));
        Assert.Equal(608, bytes.Bytes(MemoryKind.Live));
        Assert.Equal(1024, bytes.Bytes(MemoryKind.Allocated));
    }

    [Fact]
    public void Order_is_fixed_whatever_the_order_of_the_traces()
    {
        string[] forward = [.. StackFolder.Fold(Snapshot(Bytes, Strings, Orders)).Select(s => s.TypeName)];
        string[] backward = [.. StackFolder.Fold(Snapshot(Orders, Strings, Bytes)).Select(s => s.TypeName)];
        Assert.Equal(["App.Order", "System.Byte[]", "System.String"], forward);
        Assert.Equal(forward, backward);
    }

    [Fact]
    public void Kind_leaves_out_stacks_without_bytes_of_that_kind()
    {
        Assert.Equal(["App.Order", "System.Byte[]"], StackFolder.Fold(Sample(), MemoryKind.Live).Select(s => s.TypeName));
        Assert.Equal(3, StackFolder.Fold(Sample(), MemoryKind.Allocated).Count);
        Assert.Empty(StackFolder.Fold(Snapshot(Trace("T", default(SampleStats), default(SampleStats), Main))));
    }

    [Fact]
    public void Without_live_data_the_live_values_are_zero()
    {
        FoldedStack bytes = StackFolder.Fold(WithoutLiveData(Bytes)).Single();
        Assert.Equal((0L, 0L), (bytes.LiveCount, bytes.LiveBytes));
        Assert.Equal(1000, bytes.AllocatedBytes);
        Assert.Empty(StackFolder.Fold(WithoutLiveData(Bytes), MemoryKind.Live));
    }

    [Fact]
    public void An_empty_traceback_is_just_the_type()
    {
        FoldedStack stack = StackFolder.Fold(Snapshot(Trace(64, 1))).Single();
        Assert.Equal(["System.Byte[]"], stack.Path());
    }
}
