using System.Text.Json;
using NJsonSchema;
using static MemTrack.Tests.Internal.Export.ExportSamples;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Internal.Export;

public class SpeedscopeWriterTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Internal", "Export", "speedscope-file-format-schema.json")).GetAwaiter().GetResult());

    [Theory]
    [InlineData(MemoryKind.Live)]
    [InlineData(MemoryKind.Allocated)]
    public void Export_is_valid_against_the_file_format_schema(MemoryKind kind)
    {
        string json = ExportText(Sample(), ExportFormat.Speedscope, kind);
        Assert.Empty(Schema.Value.Validate(json));
    }

    [Fact]
    public void The_schema_catches_what_speedscope_would_reject()
    {
        // Guards the test above: the schema copy must really constrain the file.
        Assert.NotEmpty(Schema.Value.Validate("""{"$schema": "https://www.speedscope.app/file-format-schema.json", "shared": {"frames": []}}"""));
        Assert.NotEmpty(Schema.Value.Validate(
            """{"$schema": "https://www.speedscope.app/file-format-schema.json", "shared": {"frames": [{"file": "x"}]}, "profiles": []}"""));
        Assert.NotEmpty(Schema.Value.Validate(
            """{"$schema": "https://www.speedscope.app/file-format-schema.json", "shared": {"frames": []}, "profiles": [{"type": "sampled", "name": "", "unit": "bits", "startValue": 0, "endValue": 0, "samples": [], "weights": []}]}"""));
    }

    [Theory]
    [InlineData(MemoryKind.Live)]
    [InlineData(MemoryKind.Allocated)]
    public void Required_fields_are_set_and_weights_add_up_to_the_bytes_of_the_kind(MemoryKind kind)
    {
        using JsonDocument document = JsonDocument.Parse(ExportSamples.Export(Sample(), ExportFormat.Speedscope, kind));
        JsonElement root = document.RootElement;
        Assert.Equal("https://www.speedscope.app/file-format-schema.json", root.GetProperty("$schema").GetString());
        Assert.Matches(@"^MemTrack \d+\.\d+\.\d+", root.GetProperty("exporter").GetString());
        int frameCount = root.GetProperty("shared").GetProperty("frames").GetArrayLength();

        JsonElement profile = Assert.Single(root.GetProperty("profiles").EnumerateArray());
        string kindName = kind == MemoryKind.Live ? "Live memory" : "Allocated memory";
        Assert.Contains(kindName, profile.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Contains(kindName, root.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal("sampled", profile.GetProperty("type").GetString());
        Assert.Equal("bytes", profile.GetProperty("unit").GetString());

        JsonElement[] samples = [.. profile.GetProperty("samples").EnumerateArray()];
        long[] weights = [.. profile.GetProperty("weights").EnumerateArray().Select(w => w.GetInt64())];
        Assert.Equal(samples.Length, weights.Length);
        Assert.All(samples, s => Assert.All(s.EnumerateArray(), i => Assert.InRange(i.GetInt32(), 0, frameCount - 1)));
        long total = Sample().Traces.Sum(t => kind == MemoryKind.Live ? t.LiveSize : t.Size);
        Assert.Equal(total, weights.Sum());
        Assert.Equal(0, profile.GetProperty("startValue").GetInt64());
        Assert.Equal(total, profile.GetProperty("endValue").GetInt64());
        Assert.Equal(kind == MemoryKind.Live ? 2 : 3, samples.Length);
        Assert.All(weights, w => Assert.True(w > 0));
    }

    [Fact]
    public void Samples_are_root_first_with_the_type_last_and_frames_carry_file_and_line()
    {
        using JsonDocument document = JsonDocument.Parse(ExportSamples.Export(Sample(), ExportFormat.Speedscope, MemoryKind.Allocated));
        JsonElement root = document.RootElement;
        JsonElement[] frames = [.. root.GetProperty("shared").GetProperty("frames").EnumerateArray()];
        JsonElement profile = root.GetProperty("profiles")[0];
        var stacks = profile.GetProperty("samples").EnumerateArray()
            .Select(s => string.Join(" > ", s.EnumerateArray().Select(i => frames[i.GetInt32()].GetProperty("name").GetString())))
            .Zip(profile.GetProperty("weights").EnumerateArray().Select(w => w.GetInt64()))
            .ToList();
        Assert.Contains(
            ("App.Program.Main (Program.cs:5) > App.Orders.Create (Orders.cs:10) > System.Private.CoreLib.dll!System.String.Concat > System.String", 200L),
            stacks);
        Assert.Contains(("App.Program.Main (Program.cs:5) > App.Orders.Create (Orders.cs:10) > System.Byte[]", 1000L), stacks);
        Assert.Contains(("App.Program.Main (Program.cs:5) > App.Orders.Save (Orders.cs:40) > App.Order", 300L), stacks);

        JsonElement create = frames.Single(f => f.GetProperty("name").GetString() == "App.Orders.Create (Orders.cs:10)");
        Assert.Equal(("/src/App/Orders.cs", 10), (create.GetProperty("file").GetString(), create.GetProperty("line").GetInt32()));
        JsonElement concat = frames.Single(f => f.GetProperty("name").GetString()!.EndsWith("Concat", StringComparison.Ordinal));
        Assert.False(concat.TryGetProperty("file", out _));
        JsonElement type = frames.Single(f => f.GetProperty("name").GetString() == "System.Byte[]");
        Assert.Equal(["name"], type.EnumerateObject().Select(p => p.Name));

        // Each distinct frame once.
        Assert.Equal(frames.Length, frames.Select(f => f.GetRawText()).Distinct().Count());
    }

    [Fact]
    public void Names_that_need_json_escapes_round_trip()
    {
        const string typeName = "List<Dictionary<string,int>> \"quoted\" \\ \u0001 ünï";
        Snapshot snapshot = Snapshot(Trace(typeName, Stats(64, 1), Frame("/src/a\\b.cs", 2, "App.M<T>&")));
        using JsonDocument document = JsonDocument.Parse(ExportSamples.Export(snapshot, ExportFormat.Speedscope));
        string[] names = [.. document.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString()!)];
        Assert.Equal(["App.M<T>& (b.cs:2)", typeName], names);
    }

    [Fact]
    public void An_empty_snapshot_is_a_valid_empty_profile()
    {
        string json = ExportText(Snapshot(), ExportFormat.Speedscope);
        Assert.Empty(Schema.Value.Validate(json));
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.Equal(0, document.RootElement.GetProperty("profiles")[0].GetProperty("samples").GetArrayLength());
    }

    [Fact]
    public void Output_is_deterministic()
    {
        Assert.Equal(ExportText(Sample(), ExportFormat.Speedscope), ExportText(Snapshot(Orders, Strings, Bytes), ExportFormat.Speedscope));
    }
}
