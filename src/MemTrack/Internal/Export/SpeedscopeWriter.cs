using System.Text.Encodings.Web;
using System.Text.Json;

namespace MemTrack.Internal.Export;

/// <summary>
/// Writes speedscope's file format (https://www.speedscope.app/file-format-schema.json): one "sampled" profile in
/// bytes whose samples are the stacks (indices into <c>shared.frames</c>, outermost caller first, the allocated type
/// last) and whose weights are the stacks' bytes of the kind. Frames with a source file carry its full path and line.
/// </summary>
internal static class SpeedscopeWriter
{
    public const string SchemaUrl = "https://www.speedscope.app/file-format-schema.json";

    public static void Write(Stream destination, Snapshot snapshot, IReadOnlyList<FoldedStack> stacks, MemoryKind kind)
    {
        var frames = new InternTable<(string Name, string? File, int Line)>();
        var samples = new List<int[]>(stacks.Count);
        long total = 0;
        foreach (FoldedStack stack in stacks)
        {
            var sample = new int[stack.RootFirst.Count + 1];
            for (int i = 0; i < stack.RootFirst.Count; i++)
            {
                Frame frame = stack.RootFirst[i];
                sample[i] = frames.Intern((StackFolder.FrameName(frame), frame.FileName, frame.LineNumber));
            }

            sample[^1] = frames.Intern((stack.TypeName, null, 0));
            samples.Add(sample);
            total += stack.Bytes(kind);
        }

        string name = SnapshotExporter.Title(snapshot, kind);
        using var json = new Utf8JsonWriter(destination, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("$schema", SchemaUrl);
        json.WriteString("exporter", SnapshotExporter.ExporterName);
        json.WriteString("name", name);
        json.WriteNumber("activeProfileIndex", 0);

        json.WriteStartObject("shared");
        json.WriteStartArray("frames");
        foreach ((string frameName, string? file, int line) in frames.Values)
        {
            json.WriteStartObject();
            json.WriteString("name", frameName);
            if (file is not null)
            {
                json.WriteString("file", file);
                if (line > 0)
                {
                    json.WriteNumber("line", line);
                }
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("profiles");
        json.WriteStartObject();
        json.WriteString("type", "sampled");
        json.WriteString("name", name);
        json.WriteString("unit", "bytes");
        json.WriteNumber("startValue", 0);
        json.WriteNumber("endValue", total);
        json.WriteStartArray("samples");
        foreach (int[] sample in samples)
        {
            json.WriteStartArray();
            foreach (int index in sample)
            {
                json.WriteNumberValue(index);
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteStartArray("weights");
        foreach (FoldedStack stack in stacks)
        {
            json.WriteNumberValue(stack.Bytes(kind));
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
