using System.IO.Compression;
using MemTrack.Internal.Sampling;

namespace MemTrack.Internal.Export;

/// <summary>
/// Writes a gzipped pprof profile (<c>perftools.profiles.Profile</c> of google/pprof's <c>proto/profile.proto</c>). Each
/// stack is a sample with four values, <c>alloc_objects/count</c>, <c>alloc_space/bytes</c>, <c>inuse_objects/count</c>
/// and <c>inuse_space/bytes</c> (estimates of the whole process, already scaled up from the samples), a location per
/// frame (leaf first), and the allocated type as the label <c>object type</c>. Each location has one line whose
/// function is named as the frame's method with its source file, or <c>module!method</c> without one. All locations
/// belong to one mapping, <see cref="MappingName"/>, which says that they are symbolized already.
/// </summary>
internal static class PprofWriter
{
    /// <summary>The sample label that names the allocated type.</summary>
    public const string ObjectTypeLabel = "object type";

    /// <summary>The file name of the one mapping (pprof prints it as the profile's <c>File:</c>).</summary>
    public const string MappingName = ".NET managed code";

    /// <summary>The sample types, in the order of every sample's values.</summary>
    public static readonly (string Type, string Unit)[] SampleTypes =
        [("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"), ("inuse_space", "bytes")];

    // Field numbers of profile.proto.
    private const int ProfileSampleType = 1;
    private const int ProfileSample = 2;
    private const int ProfileMapping = 3;
    private const int ProfileLocation = 4;
    private const int ProfileFunction = 5;
    private const int ProfileStringTable = 6;
    private const int ProfileTimeNanos = 9;
    private const int ProfilePeriodType = 11;
    private const int ProfilePeriod = 12;
    private const int ProfileComment = 13;
    private const int ProfileDefaultSampleType = 14;
    private const int ValueTypeType = 1;
    private const int ValueTypeUnit = 2;
    private const int SampleLocationId = 1;
    private const int SampleValue = 2;
    private const int SampleLabel = 3;
    private const int LabelKey = 1;
    private const int LabelStr = 2;
    private const int MappingId = 1;
    private const int MappingFilename = 5;
    private const int MappingHasFunctions = 7;
    private const int MappingHasFilenames = 8;
    private const int MappingHasLineNumbers = 9;
    private const int LocationId = 1;
    private const int LocationMappingId = 2;
    private const int LocationLine = 4;
    private const int LineFunctionId = 1;
    private const int LineLine = 2;
    private const int FunctionId = 1;
    private const int FunctionName = 2;
    private const int FunctionSystemName = 3;
    private const int FunctionFilename = 4;

    public static void Write(Stream destination, Snapshot snapshot, IReadOnlyList<FoldedStack> stacks, MemoryKind kind)
    {
        // Index 0 of the string table must be "".
        var strings = new InternTable<string>(StringComparer.Ordinal);
        strings.Intern(string.Empty);
        var locations = new InternTable<Frame>();
        long objectTypeKey = strings.Intern(ObjectTypeLabel);

        var samples = new List<ProtobufWriter>(stacks.Count);
        foreach (FoldedStack stack in stacks)
        {
            var label = new ProtobufWriter();
            label.WriteInt64(LabelKey, objectTypeKey);
            label.WriteInt64(LabelStr, strings.Intern(stack.TypeName));

            // Location ids start at 1; the traceback is leaf first, as pprof wants.
            var sample = new ProtobufWriter();
            sample.WritePacked(SampleLocationId, stack.Traceback.Select(frame => (ulong)locations.Intern(frame) + 1));
            sample.WritePacked(SampleValue, [(ulong)stack.AllocatedCount, (ulong)stack.AllocatedBytes, (ulong)stack.LiveCount, (ulong)stack.LiveBytes]);
            sample.WriteMessage(SampleLabel, label);
            samples.Add(sample);
        }

        var functions = new InternTable<(string Name, string File)>();
        var locationMessages = new List<ProtobufWriter>(locations.Values.Count);
        for (int i = 0; i < locations.Values.Count; i++)
        {
            Frame frame = locations.Values[i];
            string name = frame.FileName is null ? StackFolder.FrameName(frame) : frame.Method;
            var line = new ProtobufWriter();
            line.WriteUInt64(LineFunctionId, (ulong)functions.Intern((name, frame.FileName ?? string.Empty)) + 1);
            line.WriteInt64(LineLine, frame.LineNumber);
            var location = new ProtobufWriter();
            location.WriteUInt64(LocationId, (ulong)i + 1);
            location.WriteUInt64(LocationMappingId, 1);
            location.WriteMessage(LocationLine, line);
            locationMessages.Add(location);
        }

        var functionMessages = new List<ProtobufWriter>(functions.Values.Count);
        for (int i = 0; i < functions.Values.Count; i++)
        {
            (string name, string file) = functions.Values[i];
            var function = new ProtobufWriter();
            function.WriteUInt64(FunctionId, (ulong)i + 1);
            function.WriteInt64(FunctionName, strings.Intern(name));
            function.WriteInt64(FunctionSystemName, strings.Intern(name));
            function.WriteInt64(FunctionFilename, strings.Intern(file));
            functionMessages.Add(function);
        }

        var comments = new List<long> { strings.Intern(SnapshotExporter.ExporterName + ": " + SnapshotExporter.Title(snapshot, kind)) };
        if (!snapshot.HasLiveData)
        {
            comments.Add(strings.Intern(
                "Live tracking was off (MemTrackerOptions.TrackLiveObjects = false, or a snapshot file without live data): inuse_objects and inuse_space are 0."));
        }

        var mapping = new ProtobufWriter();
        mapping.WriteUInt64(MappingId, 1);
        mapping.WriteInt64(MappingFilename, strings.Intern(MappingName));
        mapping.WriteBool(MappingHasFunctions, true);
        mapping.WriteBool(MappingHasFilenames, true);
        mapping.WriteBool(MappingHasLineNumbers, true);

        var profile = new ProtobufWriter();
        foreach ((string type, string unit) in SampleTypes)
        {
            profile.WriteMessage(ProfileSampleType, ValueType(strings, type, unit));
        }

        WriteAll(profile, ProfileSample, samples);
        profile.WriteMessage(ProfileMapping, mapping);
        WriteAll(profile, ProfileLocation, locationMessages);
        WriteAll(profile, ProfileFunction, functionMessages);
        ProtobufWriter periodType = ValueType(strings, "space", "bytes");
        long defaultSampleType = strings.Intern(kind == MemoryKind.Live ? "inuse_space" : "alloc_space");

        // Every string is interned by now.
        foreach (string value in strings.Values)
        {
            profile.WriteString(ProfileStringTable, value);
        }

        profile.WriteInt64(ProfileTimeNanos, (snapshot.TakenAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);
        profile.WriteMessage(ProfilePeriodType, periodType);
        profile.WriteInt64(ProfilePeriod, (long)SampleStats.SamplingInterval);
        profile.WritePacked(ProfileComment, comments.Select(c => (ulong)c));
        profile.WriteInt64(ProfileDefaultSampleType, defaultSampleType);

        using var gzip = new GZipStream(destination, CompressionLevel.Optimal, leaveOpen: true);
        gzip.Write(profile.WrittenSpan);
    }

    private static ProtobufWriter ValueType(InternTable<string> strings, string type, string unit)
    {
        var valueType = new ProtobufWriter();
        valueType.WriteInt64(ValueTypeType, strings.Intern(type));
        valueType.WriteInt64(ValueTypeUnit, strings.Intern(unit));
        return valueType;
    }

    private static void WriteAll(ProtobufWriter profile, int field, List<ProtobufWriter> messages)
    {
        foreach (ProtobufWriter message in messages)
        {
            profile.WriteMessage(field, message);
        }
    }
}
