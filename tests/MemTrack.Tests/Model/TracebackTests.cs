namespace MemTrack.Tests.Model;

public sealed class TracebackTests : IDisposable
{
    private static readonly Frame Inner = new("App.Orders.Create", "/nonexistent/Orders.cs", 14, "App.dll");
    private static readonly Frame Middle = new("System.Linq.Enumerable.ToList", null, 0, "System.Linq.dll");
    private static readonly Frame Outer = new("App.Program.Main", "/nonexistent/Program.cs", 5, "App.dll");
    private static readonly Traceback Three = new([Inner, Middle, Outer], totalFrames: 7);

    private readonly string _directory = Directory.CreateTempSubdirectory("memtrack-traceback-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Format_lists_frames_innermost_first_by_default()
    {
        Assert.Equal(
            [
                "  File \"/nonexistent/Orders.cs\", line 14, in App.Orders.Create",
                "  Module \"System.Linq.dll\", in System.Linq.Enumerable.ToList",
                "  File \"/nonexistent/Program.cs\", line 5, in App.Program.Main",
            ],
            Three.Format());
    }

    [Fact]
    public void Format_marks_inlined_frames()
    {
        var traceback = new Traceback([Inner with { IsInlined = true }, Middle with { IsInlined = true }, Outer]);

        Assert.Equal(
            [
                "  File \"/nonexistent/Orders.cs\", line 14, in App.Orders.Create (inlined)",
                "  Module \"System.Linq.dll\", in System.Linq.Enumerable.ToList (inlined)",
                "  File \"/nonexistent/Program.cs\", line 5, in App.Program.Main",
            ],
            traceback.Format());
    }

    [Fact]
    public void Format_oldest_first_as_python()
    {
        Assert.Equal(
            [
                "  File \"/nonexistent/Program.cs\", line 5, in App.Program.Main",
                "  Module \"System.Linq.dll\", in System.Linq.Enumerable.ToList",
                "  File \"/nonexistent/Orders.cs\", line 14, in App.Orders.Create",
            ],
            Three.Format(mostRecentFirst: false));
    }

    [Fact]
    public void Positive_limit_keeps_the_most_recent_frames()
    {
        Assert.Equal([Line(Inner)], Three.Format(limit: 1));
        Assert.Equal([Line(Inner), Line(Middle)], Three.Format(limit: 2));
        Assert.Equal([Line(Middle), Line(Inner)], Three.Format(limit: 2, mostRecentFirst: false));
        Assert.Equal(3, Three.Format(limit: 10).Count);
        Assert.Empty(Three.Format(limit: 0));
    }

    [Fact]
    public void Negative_limit_keeps_the_oldest_frames()
    {
        Assert.Equal([Line(Outer)], Three.Format(limit: -1));
        Assert.Equal([Line(Middle), Line(Outer)], Three.Format(limit: -2));
        Assert.Equal([Line(Outer), Line(Middle)], Three.Format(limit: -2, mostRecentFirst: false));
        Assert.Equal(3, Three.Format(limit: -10).Count);
    }

    [Fact]
    public void Format_adds_the_source_line_when_the_file_exists()
    {
        string path = Path.Combine(_directory, "Source.cs");
        File.WriteAllLines(path, ["// first", "        var order = new Order();   ", "// third"]);
        var traceback = new Traceback([new Frame("App.M", path, 2, "App.dll"), new Frame("App.N", path, 99, "App.dll")]);
        Assert.Equal(
            [
                $"  File \"{path}\", line 2, in App.M",
                "    var order = new Order();",
                $"  File \"{path}\", line 99, in App.N",
            ],
            traceback.Format());
    }

    [Fact]
    public void Traceback_is_a_list_of_frames_with_a_total()
    {
        Assert.Equal(3, Three.Count);
        Assert.Equal(7, Three.TotalFrames);
        Assert.Same(Middle, Three[1]);
        Assert.Equal([Inner, Middle, Outer], Three);
        Assert.Equal(2, new Traceback([Inner, Outer]).TotalFrames);
        Assert.Empty(Traceback.Empty);
        Assert.Equal(0, Traceback.Empty.TotalFrames);
    }

    [Fact]
    public void ToString_shows_the_innermost_frame()
    {
        Assert.Equal("/nonexistent/Orders.cs:14", Three.ToString());
        Assert.Equal("<unknown>", Traceback.Empty.ToString());
    }

    [Fact]
    public void Equality_compares_frames_only()
    {
        var same = new Traceback([Inner, Middle, Outer with { }]);
        Assert.Equal(Three, same);
        Assert.True(Three.Equals((object)same));
        Assert.Equal(Three.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(Three, new Traceback([Inner, Middle]));
        Assert.NotEqual(Three, new Traceback([Outer, Middle, Inner]));
        Assert.False(Three.Equals(null));
        Assert.Equal(Traceback.Empty, new Traceback([]));
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new Traceback(null!));
        Assert.Throws<ArgumentNullException>(() => new Traceback([Inner, null!]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Traceback([Inner, Outer], totalFrames: 1));
    }

    private static string Line(Frame frame) =>
        frame.FileName is null
            ? $"  Module \"{frame.Module}\", in {frame.Method}"
            : $"  File \"{frame.FileName}\", line {frame.LineNumber}, in {frame.Method}";
}
