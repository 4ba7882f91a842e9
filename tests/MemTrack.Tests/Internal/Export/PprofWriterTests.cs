using System.IO.Compression;
using MemTrack.Internal.Sampling;
using static MemTrack.Tests.Internal.Export.ExportSamples;
using static MemTrack.Tests.TestSupport.SnapshotFactory;
using Pprof = Perftools.Profiles;

namespace MemTrack.Tests.Internal.Export;

/// <summary>Decodes pprof exports with pprof's own schema (profile.proto, compiled by Grpc.Tools) and checks every field MemTrack sets.</summary>
public class PprofWriterTests
{
    [Fact]
    public void Profile_has_the_four_sample_types_and_an_empty_first_string()
    {
        Pprof.Profile profile = Decode(Sample(), MemoryKind.Live);
        Assert.Equal(string.Empty, profile.StringTable[0]);
        Assert.Equal(
            ["alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes"],
            profile.SampleType.Select(t => $"{profile.StringTable[(int)t.Type]}/{profile.StringTable[(int)t.Unit]}"));
        Assert.Equal("space/bytes", $"{profile.StringTable[(int)profile.PeriodType.Type]}/{profile.StringTable[(int)profile.PeriodType.Unit]}");
        Assert.Equal((long)SampleStats.SamplingInterval, profile.Period);
        Assert.Equal((TakenAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100, profile.TimeNanos);
        Assert.Equal(TakenAt, DateTimeOffset.UnixEpoch.AddTicks(profile.TimeNanos / 100));
    }

    [Theory]
    [InlineData(MemoryKind.Live, "inuse_space")]
    [InlineData(MemoryKind.Allocated, "alloc_space")]
    public void Default_sample_type_follows_the_kind(MemoryKind kind, string expected)
    {
        Pprof.Profile profile = Decode(Sample(), kind);
        Assert.Equal(expected, profile.StringTable[(int)profile.DefaultSampleType]);
    }

    [Theory]
    [InlineData(MemoryKind.Live)]
    [InlineData(MemoryKind.Allocated)]
    public void Every_trace_with_any_value_is_a_sample_with_the_traces_numbers(MemoryKind kind)
    {
        Pprof.Profile profile = Decode(Sample(), kind);

        // The strings trace has no live bytes but allocated ones: pprof keeps it whatever the kind.
        Assert.Equal(3, profile.Sample.Count);
        foreach (Trace trace in new[] { Bytes, Strings, Orders })
        {
            Pprof.Sample sample = profile.Sample.Single(s => TypeOf(profile, s) == trace.TypeName);
            Assert.Equal([trace.Count, trace.Size, trace.LiveCount, trace.LiveSize], sample.Value);
        }
    }

    [Fact]
    public void Locations_resolve_leaf_first_to_functions_files_and_lines()
    {
        Pprof.Profile profile = Decode(Sample(), MemoryKind.Allocated);
        Pprof.Sample strings = profile.Sample.Single(s => TypeOf(profile, s) == "System.String");
        Assert.Equal(
            [
                ("System.Private.CoreLib.dll!System.String.Concat", string.Empty, 0L),
                ("App.Orders.Create", "/src/App/Orders.cs", 10L),
                ("App.Program.Main", "/src/App/Program.cs", 5L),
            ],
            strings.LocationId.Select(id => Resolve(profile, id)));

        Pprof.Sample orders = profile.Sample.Single(s => TypeOf(profile, s) == "App.Order");
        Assert.Equal([("App.Orders.Save", "/src/App/Orders.cs", 40L), ("App.Program.Main", "/src/App/Program.cs", 5L)], orders.LocationId.Select(id => Resolve(profile, id)));
    }

    [Fact]
    public void Ids_are_unique_and_non_zero_and_each_frame_and_function_appears_once()
    {
        Pprof.Profile profile = Decode(Sample(), MemoryKind.Allocated);

        // Frames: Main, Create (Orders.cs:10), Save (Orders.cs:40), Concat; functions: Main, Create, Save, Concat.
        Assert.Equal([1UL, 2UL, 3UL, 4UL], profile.Location.Select(l => l.Id).Order());
        Assert.Equal([1UL, 2UL, 3UL, 4UL], profile.Function.Select(f => f.Id).Order());
        Assert.All(profile.Location, l => Assert.Single(l.Line));
        Assert.Equal(profile.StringTable.Count, profile.StringTable.Distinct().Count());
    }

    [Fact]
    public void One_mapping_holds_every_location_and_says_it_is_symbolized()
    {
        Pprof.Profile profile = Decode(Sample(), MemoryKind.Live);
        Pprof.Mapping mapping = Assert.Single(profile.Mapping);
        Assert.Equal(1UL, mapping.Id);
        Assert.Equal(".NET managed code", profile.StringTable[(int)mapping.Filename]);
        Assert.True(mapping.HasFunctions && mapping.HasFilenames && mapping.HasLineNumbers);
        Assert.False(mapping.HasInlineFrames);
        Assert.All(profile.Location, l => Assert.Equal(1UL, l.MappingId));
    }

    [Fact]
    public void Type_is_the_object_type_label()
    {
        Pprof.Profile profile = Decode(Sample(), MemoryKind.Live);
        Assert.All(profile.Sample, s => Assert.Equal("object type", profile.StringTable[(int)Assert.Single(s.Label).Key]));
        Assert.Equal(["App.Order", "System.Byte[]", "System.String"], profile.Sample.Select(s => TypeOf(profile, s)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Without_live_data_inuse_values_are_zero_and_a_comment_says_why()
    {
        Pprof.Profile profile = Decode(WithoutLiveData(Bytes, Orders), MemoryKind.Allocated);
        Assert.Equal(2, profile.Sample.Count);
        Assert.All(profile.Sample, s => Assert.Equal((0L, 0L), (s.Value[2], s.Value[3])));
        Assert.Equal(Bytes.Size + Orders.Size, profile.Sample.Sum(s => s.Value[1]));
        Assert.Contains(profile.Comment, c => profile.StringTable[(int)c].StartsWith("Live tracking was off", StringComparison.Ordinal));
        Assert.DoesNotContain(Decode(Sample(), MemoryKind.Allocated).Comment, c => profile.StringTable[(int)c].Contains("Live tracking", StringComparison.Ordinal));
    }

    [Fact]
    public void Comment_names_the_exporter_and_the_kind()
    {
        Pprof.Profile profile = Decode(Sample(), MemoryKind.Live);
        string comment = profile.StringTable[(int)profile.Comment[0]];
        Assert.StartsWith("MemTrack ", comment, StringComparison.Ordinal);
        Assert.Contains("Live memory", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_of_any_script_survive_as_utf8()
    {
        Snapshot snapshot = Snapshot(Trace("Ünïcödé.Typ€<T>", Stats(64, 1), Frame("/src/Ström.cs", 3, "App.Größe")));
        Pprof.Profile profile = Decode(snapshot, MemoryKind.Live);
        Assert.Equal("Ünïcödé.Typ€<T>", TypeOf(profile, profile.Sample[0]));
        Assert.Equal(("App.Größe", "/src/Ström.cs", 3L), Resolve(profile, profile.Sample[0].LocationId[0]));
    }

    [Fact]
    public void An_empty_snapshot_is_a_valid_profile_without_samples()
    {
        Pprof.Profile profile = Decode(Snapshot(), MemoryKind.Live);
        Assert.Empty(profile.Sample);
        Assert.Equal(4, profile.SampleType.Count);
    }

    [Fact]
    public void Output_is_gzip_and_deterministic()
    {
        byte[] first = ExportSamples.Export(Sample(), ExportFormat.Pprof);
        Assert.Equal([0x1f, 0x8b], first[..2]);
        Assert.Equal(new byte[4], first[4..8]); // no modification time in the gzip header
        Assert.Equal(first, ExportSamples.Export(Snapshot(Orders, Strings, Bytes), ExportFormat.Pprof));
    }

    internal static Pprof.Profile Decode(byte[] gzipped)
    {
        using var gzip = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        return Pprof.Profile.Parser.ParseFrom(gzip);
    }

    internal static string TypeOf(Pprof.Profile profile, Pprof.Sample sample) =>
        profile.StringTable[(int)sample.Label.Single(l => profile.StringTable[(int)l.Key] == "object type").Str];

    internal static (string Function, string File, long Line) Resolve(Pprof.Profile profile, ulong locationId)
    {
        Pprof.Line line = Assert.Single(profile.Location.Single(l => l.Id == locationId).Line);
        Pprof.Function function = profile.Function.Single(f => f.Id == line.FunctionId);
        Assert.Equal(function.Name, function.SystemName);
        return (profile.StringTable[(int)function.Name], profile.StringTable[(int)function.Filename], line.Line_);
    }

    private static Pprof.Profile Decode(Snapshot snapshot, MemoryKind kind) => Decode(ExportSamples.Export(snapshot, ExportFormat.Pprof, kind));
}
