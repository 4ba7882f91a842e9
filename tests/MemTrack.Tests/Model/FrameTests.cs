namespace MemTrack.Tests.Model;

public class FrameTests
{
    [Fact]
    public void Frame_with_source_formats_as_file_and_line()
    {
        Assert.Equal("/src/App/Orders.cs:14", new Frame("App.Orders.Create", "/src/App/Orders.cs", 14, "App.dll").ToString());
    }

    [Fact]
    public void Frame_without_source_formats_as_module_and_method()
    {
        Assert.Equal("System.Private.CoreLib.dll!System.String.Concat", new Frame("System.String.Concat", null, 0, "System.Private.CoreLib.dll").ToString());
    }

    [Fact]
    public void Frames_are_equal_by_value()
    {
        var frame = new Frame("M", "f.cs", 1, "A.dll");
        Assert.Equal(new Frame("M", "f.cs", 1, "A.dll"), frame);
        Assert.Equal(new Frame("M", "f.cs", 1, "A.dll").GetHashCode(), frame.GetHashCode());
        Assert.NotEqual(frame with { LineNumber = 2 }, frame);
        Assert.NotEqual(frame with { FileName = null }, frame);
        Assert.NotEqual(frame with { Module = "B.dll" }, frame);
    }

    [Fact]
    public void An_inlined_frame_differs_from_the_same_line_not_inlined_and_keeps_the_mark_through_with()
    {
        var frame = new Frame("App.Holder..ctor", "h.cs", 8, "App.dll");
        Frame inlined = frame with { IsInlined = true };

        Assert.NotEqual(frame, inlined);
        Assert.Equal(inlined, new Frame("App.Holder..ctor", "h.cs", 8, "App.dll") { IsInlined = true });
        Assert.Equal(inlined.GetHashCode(), new Frame("App.Holder..ctor", "h.cs", 8, "App.dll") { IsInlined = true }.GetHashCode());
        Assert.True((inlined with { LineNumber = 9 }).IsInlined);
        Assert.Equal(frame, inlined with { IsInlined = false });
        Assert.Equal(frame.ToString(), inlined.ToString());
    }
}
