using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Model;

public class FilterTests
{
    private static readonly Trace Nested = Trace(64, 1, Frame("/src/Lib/Cache.cs", 20), Frame("/src/App/Orders.cs", 11));

    [Fact]
    public void Filter_keeps_its_settings()
    {
        var filter = new Filter(false, "*.cs", 12, allFrames: true);
        Assert.False(filter.Inclusive);
        Assert.Equal("*.cs", filter.FilenamePattern);
        Assert.Equal(12, filter.LineNumber);
        Assert.True(filter.AllFrames);
        Assert.Null(new Filter(true, "*").LineNumber);
        Assert.False(new Filter(true, "*").AllFrames);
    }

    [Fact]
    public void Matches_ignores_inclusive()
    {
        Assert.True(new Filter(true, "*Cache.cs").Matches(Nested));
        Assert.True(new Filter(false, "*Cache.cs").Matches(Nested));
        Assert.False(new Filter(false, "*Orders.cs").Matches(Nested));
    }

    [Fact]
    public void Innermost_frame_only_unless_all_frames()
    {
        Assert.False(new Filter(true, "*Orders.cs").Matches(Nested));
        Assert.True(new Filter(true, "*Orders.cs", allFrames: true).Matches(Nested));
        Assert.True(new Filter(true, "*Orders.cs", 11, allFrames: true).Matches(Nested));
        Assert.False(new Filter(true, "*Orders.cs", 12, allFrames: true).Matches(Nested));
    }

    [Fact]
    public void Matching_is_case_sensitive_and_star_crosses_directories()
    {
        Assert.True(new Filter(true, "/src*.cs").Matches(Nested));
        Assert.False(new Filter(true, "*cache.cs").Matches(Nested));
    }

    [Fact]
    public void Frames_without_source_match_their_module()
    {
        Trace trace = Trace(64, 1, NoSource("System.String.Concat", "System.Private.CoreLib.dll"));
        Assert.True(new Filter(true, "System.Private.CoreLib.dll").Matches(trace));
        Assert.True(new Filter(true, "System.Private.CoreLib.dll", lineNumber: 0).Matches(trace));
        Assert.False(new Filter(true, "System.String*").Matches(trace));
    }

    [Fact]
    public void Empty_traceback_matches_no_file_filter()
    {
        Assert.False(new Filter(true, "*").Matches(Trace(64, 1)));
        Assert.False(new Filter(true, "*", allFrames: true).Matches(Trace(64, 1)));
    }

    [Fact]
    public void Type_filter_matches_type_names()
    {
        Trace trace = Trace("MyApp.Order", Stats(64, 1), Frame("/src/App/Orders.cs", 11));
        var filter = new TypeFilter(false, "MyApp.*");
        Assert.Equal("MyApp.*", filter.TypeNamePattern);
        Assert.False(filter.Inclusive);
        Assert.True(filter.Matches(trace));
        Assert.False(new TypeFilter(true, "myapp.*").Matches(trace));
        Assert.True(new TypeFilter(true, "System.Byte[]").Matches(Nested));
    }

    [Fact]
    public void Jagged_array_types_need_bracket_escapes_as_in_fnmatch()
    {
        // fnmatch reads "[][]" as one set of ']' and '['; "[[]" and "[]]" match the brackets themselves.
        Trace trace = Trace("System.Int32[][]", Stats(64, 1));
        Assert.False(new TypeFilter(true, "System.Int32[][]").Matches(trace));
        Assert.True(new TypeFilter(true, "System.Int32[[][]][[][]]").Matches(trace));
        Assert.True(new TypeFilter(true, "System.Int32*").Matches(trace));
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new Filter(true, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Filter(true, "*", -1));
        Assert.Throws<ArgumentNullException>(() => new Filter(true, "*").Matches(null!));
        Assert.Throws<ArgumentNullException>(() => new TypeFilter(true, null!));
        Assert.Throws<ArgumentNullException>(() => new TypeFilter(true, "*").Matches(null!));
    }
}
