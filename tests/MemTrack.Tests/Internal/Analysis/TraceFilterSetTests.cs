using MemTrack.Internal.Analysis;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Internal.Analysis;

public class TraceFilterSetTests
{
    private static readonly Trace AppTrace = Trace(100, 1, Frame("/src/App/Orders.cs", 10));
    private static readonly Trace LibTrace = Trace(200, 2, Frame("/src/Lib/Cache.cs", 20), Frame("/src/App/Orders.cs", 11));
    private static readonly Trace NoSourceTrace = Trace(300, 3, NoSource("System.String.Concat", "System.Private.CoreLib.dll"));
    private static readonly Trace EmptyTrace = Trace(400, 4);
    private static readonly Trace[] All = [AppTrace, LibTrace, NoSourceTrace, EmptyTrace];

    [Fact]
    public void No_filters_return_the_same_list()
    {
        Assert.Same(All, TraceFilterSet.Apply(All, []));
    }

    [Fact]
    public void Inclusive_filter_keeps_only_matching_traces()
    {
        Assert.Equal([AppTrace], TraceFilterSet.Apply(All, [new Filter(true, "*/App/*")]));
    }

    [Fact]
    public void Exclusive_filter_drops_matching_traces_and_keeps_the_rest()
    {
        // The empty traceback matches no file filter, so an exclusive filter keeps it.
        Assert.Equal([LibTrace, NoSourceTrace, EmptyTrace], TraceFilterSet.Apply(All, [new Filter(false, "*/App/*")]));
    }

    [Fact]
    public void Any_inclusive_filter_is_enough()
    {
        IReadOnlyList<Trace> kept = TraceFilterSet.Apply(All, [new Filter(true, "*/App/*"), new Filter(true, "*/Lib/*")]);
        Assert.Equal([AppTrace, LibTrace], kept);
    }

    [Fact]
    public void Exclusive_filters_win_over_inclusive_ones()
    {
        IReadOnlyList<Trace> kept = TraceFilterSet.Apply(
            All, [new Filter(true, "/src/*"), new Filter(false, "*/Lib/*"), new Filter(false, "*Orders.cs", lineNumber: 99)]);
        Assert.Equal([AppTrace], kept);
    }

    [Fact]
    public void All_frames_filter_tests_every_frame()
    {
        Assert.Equal([AppTrace, LibTrace], TraceFilterSet.Apply(All, [new Filter(true, "*/App/*", allFrames: true)]));
        Assert.Equal([NoSourceTrace, EmptyTrace], TraceFilterSet.Apply(All, [new Filter(false, "*/App/*", allFrames: true)]));
    }

    [Fact]
    public void Line_number_must_match_too()
    {
        Assert.Equal([AppTrace], TraceFilterSet.Apply(All, [new Filter(true, "*Orders.cs", lineNumber: 10, allFrames: true)]));
        Assert.Equal([LibTrace], TraceFilterSet.Apply(All, [new Filter(true, "*Orders.cs", lineNumber: 11, allFrames: true)]));
        Assert.Empty(TraceFilterSet.Apply(All, [new Filter(true, "*Orders.cs", lineNumber: 11)]));
    }

    [Fact]
    public void Frames_without_source_match_by_module()
    {
        Assert.Equal([NoSourceTrace], TraceFilterSet.Apply(All, [new Filter(true, "System.Private.*")]));
    }

    [Fact]
    public void Type_filters_combine_with_file_filters()
    {
        Trace strings = Trace("System.String", Stats(10, 1), Frame("/src/App/Orders.cs", 10));
        Trace[] traces = [.. All, strings];
        Assert.Equal([strings], TraceFilterSet.Apply(traces, [new TypeFilter(true, "System.String")]));
        Assert.Equal(All, TraceFilterSet.Apply(traces, [new TypeFilter(false, "System.String")]));
        Assert.Equal([AppTrace], TraceFilterSet.Apply(traces, [new Filter(true, "*/App/*"), new TypeFilter(false, "System.String")]));
    }

    [Fact]
    public void Odd_patterns_do_not_throw()
    {
        Assert.Empty(TraceFilterSet.Apply(All, [new Filter(true, string.Empty)]));
        Assert.Empty(TraceFilterSet.Apply(All, [new Filter(true, "[")]));
        Assert.Equal([AppTrace, LibTrace, NoSourceTrace], TraceFilterSet.Apply(All, [new Filter(true, "***")]));
        Assert.Equal(All, TraceFilterSet.Apply(All, [new TypeFilter(true, "*[]")]));
    }

    [Fact]
    public void Result_is_not_the_input_list_when_filters_exist()
    {
        IReadOnlyList<Trace> kept = TraceFilterSet.Apply(All, [new Filter(false, "nothing matches this")]);
        Assert.NotSame(All, kept);
        Assert.Equal(All, kept);
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => TraceFilterSet.Apply(null!, []));
        Assert.Throws<ArgumentNullException>(() => TraceFilterSet.Apply(All, null!));
    }
}
