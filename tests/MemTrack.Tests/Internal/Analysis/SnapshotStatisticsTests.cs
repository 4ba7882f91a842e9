using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Internal.Analysis;

public class SnapshotStatisticsTests
{
    private static readonly Frame OrdersCreate = Frame("/src/App/Orders.cs", 10, "App.Orders.Create");
    private static readonly Frame OrdersCreateOtherLine = Frame("/src/App/Orders.cs", 12, "App.Orders.Create");
    private static readonly Frame OrdersSave = Frame("/src/App/Orders.cs", 40, "App.Orders.Save");
    private static readonly Frame Main = Frame("/src/App/Program.cs", 5, "App.Program.Main");
    private static readonly Frame Concat = NoSource("System.String.Concat", "System.Private.CoreLib.dll");
    private static readonly Frame Split = NoSource("System.String.Split", "System.Private.CoreLib.dll");

    // Sizes are distinct powers of two, so every group's total says which traces it holds.
    private static readonly Snapshot Sample = Snapshot(
        Trace("System.Byte[]", Stats(1, 1, samples: 1, sizeVariance: 1, countVariance: 0.5), OrdersCreate, Main),
        Trace("System.String", Stats(2, 1, samples: 2, sizeVariance: 2, countVariance: 0.25), OrdersCreateOtherLine, Main),
        Trace("System.Byte[]", Stats(4, 1, samples: 4, sizeVariance: 4, countVariance: 0.125), OrdersSave, Main),
        Trace("System.String", Stats(8, 1), Concat, OrdersCreate, Main),
        Trace("System.String", Stats(16, 1), Split, Main),
        Trace("System.Object", Stats(32, 1)));

    [Fact]
    public void LineNo_groups_by_innermost_frame()
    {
        IReadOnlyList<Statistic> stats = Sample.Statistics(KeyType.LineNo);
        Assert.Equal([32, 16, 8, 4, 2, 1], stats.Select(s => s.Size));
        Assert.Equal(
            [Traceback.Empty, Key(Split), Key(Concat), Key(OrdersSave), Key(OrdersCreateOtherLine), Key(OrdersCreate)],
            stats.Select(s => s.Traceback));
        Assert.All(stats, s => Assert.Null(s.TypeName));
    }

    [Fact]
    public void A_line_or_method_is_one_key_whether_inlined_there_or_not()
    {
        // Tier-0 code calls the constructor; tier-1 code has it inlined: both are the constructor's line.
        Frame ctor = new("App.Holder..ctor", "/src/App/Holder.cs", 8, "App.dll");
        Snapshot snapshot = WithoutLiveData(Trace("T", Stats(3, 1), ctor), Trace("T", Stats(5, 1), ctor with { IsInlined = true }));

        Statistic line = Assert.Single(snapshot.Statistics(KeyType.LineNo, kind: MemoryKind.Allocated));
        Assert.Equal(8, line.Size);
        Assert.False(line.Traceback[0].IsInlined);
        Assert.Equal(8, Assert.Single(snapshot.Statistics(KeyType.Method, kind: MemoryKind.Allocated)).Size);
        Assert.Equal(2, snapshot.Statistics(KeyType.Traceback, kind: MemoryKind.Allocated).Count); // the whole traceback tells them apart
    }

    [Fact]
    public void FileName_groups_by_file_or_by_module_without_source()
    {
        IReadOnlyList<Statistic> stats = Sample.Statistics(KeyType.FileName);
        Assert.Equal([32, 24, 7], stats.Select(s => s.Size));
        Assert.Equal(Traceback.Empty, stats[0].Traceback);
        Assert.Equal(Key(new Frame(string.Empty, null, 0, "System.Private.CoreLib.dll")), stats[1].Traceback);
        Assert.Equal(Key(new Frame(string.Empty, "/src/App/Orders.cs", 0, string.Empty)), stats[2].Traceback);
        Assert.Equal("/src/App/Orders.cs:0", stats[2].Traceback.ToString());
    }

    [Fact]
    public void Method_groups_by_innermost_method()
    {
        IReadOnlyList<Statistic> stats = Sample.Statistics(KeyType.Method);
        Assert.Equal([32, 16, 8, 4, 3], stats.Select(s => s.Size));
        Assert.Equal(Key(OrdersCreate with { LineNumber = 0 }), stats[4].Traceback);
        Assert.Equal(Key(OrdersSave with { LineNumber = 0 }), stats[3].Traceback);
    }

    [Fact]
    public void Traceback_groups_by_whole_traceback()
    {
        Trace again = Trace(64, 1, OrdersCreate, Main);
        Snapshot snapshot = Snapshot([.. Sample.Traces, again]);
        IReadOnlyList<Statistic> stats = snapshot.Statistics(KeyType.Traceback);
        Assert.Equal(6, stats.Count);
        Assert.Equal(65, stats[0].Size);
        Assert.Equal(new Traceback([OrdersCreate, Main]), stats[0].Traceback);
        Assert.Equal(2, stats[0].Traceback.Count);
        Assert.Equal(2, stats[0].Count);
    }

    [Fact]
    public void Type_groups_by_type_name_with_an_empty_traceback()
    {
        IReadOnlyList<Statistic> stats = Sample.Statistics(KeyType.Type);
        Assert.Equal(["System.Object", "System.String", "System.Byte[]"], stats.Select(s => s.TypeName));
        Assert.Equal([32, 26, 5], stats.Select(s => s.Size));
        Assert.All(stats, s => Assert.Same(Traceback.Empty, s.Traceback));
        Assert.Equal("System.String: size=26 B (±12%), count=3, average=8 B", stats[1].ToString());
    }

    [Fact]
    public void Groups_sum_every_sample_statistic()
    {
        Statistic create = Sample.Statistics(KeyType.Method).Single(s => s.Size == 3);
        Assert.Equal(3, create.SampleCount);
        Assert.Equal(2, create.Count);
        Assert.Equal(3.0, create.Stats.SizeVariance);
        Assert.Equal(0.75, create.Stats.CountVariance);
        Assert.Equal((long)Math.Round(1.959963984540054 * Math.Sqrt(3)), create.SizeMargin);
    }

    [Fact]
    public void Cumulative_LineNo_counts_each_trace_under_every_frame()
    {
        IReadOnlyList<Statistic> stats = Sample.Statistics(KeyType.LineNo, cumulative: true);
        Assert.Equal(31, Single(stats, Main).Size);
        Assert.Equal(9, Single(stats, OrdersCreate).Size);
        Assert.Equal(2, Single(stats, OrdersCreateOtherLine).Size);
        Assert.Equal(8, Single(stats, Concat).Size);
        Assert.Equal(32, stats.Single(s => s.Traceback.Count == 0).Size);
        Assert.Equal(7, stats.Count);
        Assert.Equal([32, 31, 16, 9, 8, 4, 2], stats.Select(s => s.Size));
    }

    [Fact]
    public void Cumulative_counts_a_key_once_per_trace_even_in_recursion()
    {
        Snapshot recursive = Snapshot(Trace(100, 1, OrdersCreate, OrdersCreateOtherLine, OrdersCreate, Main));
        Assert.Equal(100, Single(recursive.Statistics(KeyType.LineNo, cumulative: true), OrdersCreate).Size);
        Statistic method = recursive.Statistics(KeyType.Method, cumulative: true).Single(s => s.Traceback[0].Method == OrdersCreate.Method);
        Assert.Equal(100, method.Size);
        IReadOnlyList<Statistic> files = recursive.Statistics(KeyType.FileName, cumulative: true);
        Assert.Equal(2, files.Count);
        Assert.All(files, s => Assert.Equal(100, s.Size));
    }

    [Fact]
    public void Cumulative_FileName_and_Method()
    {
        IReadOnlyList<Statistic> files = Sample.Statistics(KeyType.FileName, cumulative: true);
        Assert.Equal([32, 31, 24, 15], files.Select(s => s.Size));
        Assert.Equal("/src/App/Program.cs:0", files[1].Traceback.ToString());
        IReadOnlyList<Statistic> methods = Sample.Statistics(KeyType.Method, cumulative: true);
        Assert.Equal([32, 31, 16, 11, 8, 4], methods.Select(s => s.Size));
    }

    [Theory]
    [InlineData(KeyType.Traceback)]
    [InlineData(KeyType.Type)]
    public void Cumulative_is_rejected_for_traceback_and_type(KeyType keyType)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => Sample.Statistics(keyType, cumulative: true));
        Assert.Equal("cumulative", error.ParamName);
        Assert.Throws<ArgumentException>(() => Sample.CompareTo(Sample, keyType, cumulative: true));
    }

    [Fact]
    public void Live_is_the_default_kind_and_groups_only_live_samples()
    {
        Snapshot snapshot = Snapshot(
            Trace("A", Stats(10_000, 100, samples: 50), Stats(0, 0, samples: 0), Frame("garbage.cs", 1)),
            Trace("B", Stats(3_000, 30, samples: 20), Stats(2_000, 20, samples: 12), Frame("leak.cs", 2)),
            Trace("B", Stats(1_000, 10, samples: 5), Stats(500, 5, samples: 3), Frame("leak.cs", 2), Frame("caller.cs", 9)));

        IReadOnlyList<Statistic> live = snapshot.Statistics(KeyType.LineNo);
        Assert.Equal(["leak.cs:2"], live.Select(s => s.Traceback.ToString()));
        Assert.Equal((2_500L, 25L, 15L, MemoryKind.Live), (live[0].Size, live[0].Count, live[0].SampleCount, live[0].Kind));

        IReadOnlyList<Statistic> allocated = snapshot.Statistics(KeyType.LineNo, kind: MemoryKind.Allocated);
        Assert.Equal(["garbage.cs:1", "leak.cs:2"], allocated.Select(s => s.Traceback.ToString()));
        Assert.Equal(4_000L, allocated[1].Size);
        Assert.Equal(2_500L, snapshot.Statistics(KeyType.Type).Single().Size);
        Assert.Equal(2_500L, snapshot.Statistics(KeyType.FileName, cumulative: true).Single(s => s.Traceback[0].FileName == "leak.cs").Size);
    }

    [Fact]
    public void Live_statistics_of_a_snapshot_without_live_data_say_how_to_get_them()
    {
        Snapshot snapshot = WithoutLiveData(Trace(64, 1, Frame("a.cs", 1)));
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => snapshot.Statistics(KeyType.LineNo));
        Assert.Contains("TrackLiveObjects = true", error.Message, StringComparison.Ordinal);
        Assert.Contains("MemoryKind.Allocated", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => snapshot.CompareTo(Sample, KeyType.LineNo));
        Assert.Contains("(old)", Assert.Throws<InvalidOperationException>(() => Sample.CompareTo(snapshot, KeyType.LineNo)).Message, StringComparison.Ordinal);
        Assert.Equal(64, snapshot.Statistics(KeyType.LineNo, kind: MemoryKind.Allocated)[0].Size);
        Assert.Single(snapshot.CompareTo(snapshot, KeyType.LineNo, kind: MemoryKind.Allocated));
    }

    [Fact]
    public void Undefined_enum_values_are_rejected()
    {
        Assert.Equal("keyType", Assert.Throws<ArgumentOutOfRangeException>(() => Sample.Statistics((KeyType)42)).ParamName);
        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => Sample.Statistics(KeyType.LineNo, kind: (MemoryKind)42)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sample.CompareTo(Sample, (KeyType)(-1)));
    }

    [Fact]
    public void Ties_are_sorted_by_count_then_key()
    {
        Snapshot snapshot = Snapshot(
            Trace(100, 1, Frame("b.cs", 1)),
            Trace(100, 2, Frame("c.cs", 1)),
            Trace(100, 1, Frame("a.cs", 2)),
            Trace(100, 1, Frame("a.cs", 1)),
            Trace(200, 1, Frame("z.cs", 1)));
        IReadOnlyList<Statistic> stats = snapshot.Statistics(KeyType.LineNo);
        Assert.Equal(["z.cs:1", "c.cs:1", "a.cs:1", "a.cs:2", "b.cs:1"], stats.Select(s => s.Traceback.ToString()));
    }

    [Fact]
    public void Sort_order_does_not_depend_on_trace_order()
    {
        Trace[] traces = [.. Sample.Traces, Trace(8, 1, Frame("a.cs", 1)), Trace(8, 1, NoSource("A.M", "a.cs"))];
        string[] expected = [.. Snapshot(traces).Statistics(KeyType.LineNo).Select(s => s.Traceback.ToString())];
        string[] reversed = [.. Snapshot([.. Enumerable.Reverse(traces)]).Statistics(KeyType.LineNo).Select(s => s.Traceback.ToString())];
        Assert.Equal(expected, reversed);
        Assert.Equal(["System.Private.CoreLib.dll!System.String.Concat", "a.cs!A.M", "a.cs:1"], expected[2..5]);
    }

    [Fact]
    public void Empty_snapshot_has_no_statistics()
    {
        Assert.Empty(Snapshot().Statistics(KeyType.LineNo));
        Assert.Empty(Snapshot().Statistics(KeyType.LineNo, cumulative: true));
    }

    private static Traceback Key(Frame frame) => new([frame]);

    private static Statistic Single(IReadOnlyList<Statistic> stats, Frame frame) =>
        stats.Single(s => s.Traceback.Count == 1 && s.Traceback[0] == frame);
}
