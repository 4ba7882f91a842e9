using System.Diagnostics.Tracing;
using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using MemTrack.Internal.Decoding;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace MemTrack.Tests.Internal.Decoding;

public sealed class ReadyToRunImageTests
{
    private static readonly string CoreLibPath = typeof(object).Assembly.Location;
    private static readonly string JsonPath = typeof(JsonSerializer).Assembly.Location;

    [Fact]
    public void OpensTheFrameworksReadyToRunImages()
    {
        using ReadyToRunImage? coreLib = ReadyToRunImage.Open(CoreLibPath);
        using ReadyToRunImage? json = ReadyToRunImage.Open(JsonPath);
        Assert.NotNull(coreLib);
        Assert.NotNull(json);
        Assert.Equal(CoreLibPath, coreLib.Path);
        Assert.True(coreLib.MajorVersion >= 9, $"R2R {coreLib.MajorVersion}.{coreLib.MinorVersion}");
        Assert.True(coreLib.MethodCount > 10_000, $"{coreLib.MethodCount} methods");
        Assert.True(coreLib.RuntimeFunctionCount >= coreLib.MethodCount);
        Assert.True(json.MethodCount > 1_000, $"{json.MethodCount} methods");
    }

    [Theory]
    [InlineData("System.Private.CoreLib")]
    [InlineData("System.Text.Json")]
    public void FindsEveryMethodAtItsEntryPointAndToItsEnd(string assemblyName)
    {
        using ReadyToRunImage image = ReadyToRunImage.Open(PathOf(assemblyName))!;
        uint previousEnd = 0;
        int count = 0;
        foreach ((int token, uint begin, uint end) in image.Methods)
        {
            Assert.Equal(0x06, token >> 24);
            Assert.True(begin < end && begin >= previousEnd, $"{token:X8}: [{begin:X}, {end:X}) after {previousEnd:X}");
            Assert.Equal((token, begin, end), image.FindMethod(begin));
            Assert.Equal((token, begin, end), image.FindMethod(end - 1));
            if (image.FindMethod(begin + 1) is { } inside)
            {
                Assert.Equal(token, inside.Token);
            }

            previousEnd = end;
            count++;
        }

        Assert.Equal(image.MethodCount, count);
    }

    [Fact]
    public void RvasOutsideTheCodeFindNothing()
    {
        using ReadyToRunImage image = ReadyToRunImage.Open(CoreLibPath)!;
        using var pe = new PEReader(File.OpenRead(CoreLibPath));
        (_, uint firstBegin, _) = image.Methods.First();
        Assert.Null(image.FindMethod(0));
        Assert.Null(image.FindMethod(firstBegin - 1));
        Assert.Null(image.FindMethod(uint.MaxValue));
        Assert.Null(image.FindMethod((uint)pe.PEHeaders.CorHeader!.MetadataDirectory.RelativeVirtualAddress));
        Assert.Null(image.FindMethod((uint)pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.RelativeVirtualAddress));
    }

    [Fact]
    public void NamesMethodsAsTheRuntimesEventsDo()
    {
        _ = JsonSerializer.Serialize(42);
        using ReadyToRunImage json = ReadyToRunImage.Open(JsonPath)!;
        using ReadyToRunImage coreLib = ReadyToRunImage.Open(CoreLibPath)!;

        MethodInfo serialize = typeof(JsonSerializer).GetMethod(nameof(JsonSerializer.Serialize), [typeof(object), typeof(Type), typeof(JsonSerializerOptions)])!;
        Assert.Contains(json.Methods, m => m.Token == serialize.MetadataToken);
        Assert.Equal("System.Text.Json.JsonSerializer.Serialize", json.MethodName(serialize.MetadataToken));

        ConstructorInfo ctor = typeof(System.Text.StringBuilder).GetConstructor(Type.EmptyTypes)!;
        Assert.Equal("System.Text.StringBuilder..ctor", coreLib.MethodName(ctor.MetadataToken));
        MethodInfo nested = typeof(Dictionary<,>.Enumerator).GetMethod(nameof(IEnumerator<int>.MoveNext))!;
        Assert.Equal("System.Collections.Generic.Dictionary`2+Enumerator.MoveNext", coreLib.MethodName(nested.MetadataToken));

        Assert.Null(coreLib.MethodName(0));
        Assert.Null(coreLib.MethodName(typeof(string).MetadataToken));
        Assert.Null(coreLib.MethodName(0x06FFFFFF));
    }

    [Theory]
    [InlineData("System.Private.CoreLib")]
    [InlineData("System.Text.Json")]
    public void NamesEveryMethodLikeReflection(string assemblyName)
    {
        Assembly assembly = Assembly.Load(assemblyName);
        using ReadyToRunImage image = ReadyToRunImage.Open(assembly.Location)!;
        int compared = 0;
        foreach (Type type in assembly.GetTypes())
        {
            if (type.FullName is not { } typeName || typeName.Contains('\\', StringComparison.Ordinal))
            {
                continue; // names with characters Type.FullName escapes
            }

            foreach (MethodBase method in type.GetMethods(AllDeclared).Cast<MethodBase>().Concat(type.GetConstructors(AllDeclared)))
            {
                Assert.Equal(typeName + "." + method.Name, image.MethodName(method.MetadataToken));
                compared++;
            }
        }

        Assert.True(compared > 1_000, $"{compared} methods");
    }

    [Fact]
    public void FindsTheMethodOfEveryExceptionHandler()
    {
        // Handlers and filters are funclets: runtime functions after the method's body that no entry point names.
        // The EXCEPTION_INFO section (104) lists each method's clauses, with handler offsets from the method's start.
        using ReadyToRunImage image = ReadyToRunImage.Open(CoreLibPath)!;
        using var pe = new PEReader(File.OpenRead(CoreLibPath));
        int checkedHandlers = 0;
        ReadOnlySpan<byte> header = Bytes(pe, pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.RelativeVirtualAddress, 16);
        int sections = BitConverter.ToInt32(header[12..]);
        header = Bytes(pe, pe.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.RelativeVirtualAddress, 16 + (12 * sections));
        for (int s = 0; s < sections; s++)
        {
            if (BitConverter.ToInt32(header[(16 + (12 * s))..]) != 104)
            {
                continue;
            }

            ReadOnlySpan<byte> lookup = Bytes(pe, BitConverter.ToInt32(header[(20 + (12 * s))..]), BitConverter.ToInt32(header[(24 + (12 * s))..]));
            for (int entry = 0; (entry + 2) * 8 <= lookup.Length; entry++)
            {
                uint methodStart = BitConverter.ToUInt32(lookup[(entry * 8)..]);
                uint clausesRva = BitConverter.ToUInt32(lookup[((entry * 8) + 4)..]);
                int clauses = (int)(BitConverter.ToUInt32(lookup[((entry * 8) + 12)..]) - clausesRva) / 24;
                (int Token, uint BeginRva, uint EndRva)? method = image.FindMethod(methodStart);
                Assert.NotNull(method);
                ReadOnlySpan<byte> clause = Bytes(pe, (int)clausesRva, clauses * 24);
                for (int c = 0; c < clauses; c++)
                {
                    uint handler = methodStart + BitConverter.ToUInt32(clause[((c * 24) + 12)..]);
                    Assert.Equal(method, image.FindMethod(handler));
                    Assert.True(handler < method.Value.EndRva);
                    checkedHandlers++;
                }
            }
        }

        Assert.True(checkedHandlers > 1_000, $"{checkedHandlers} handlers");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task FramesOfReadyToRunCodeResolveToTheMethodsTheRuntimeReports()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // LoadedImages reads the image base from /proc/self/maps; Windows' GetHINSTANCE path is untested
        }

        // Prepare precompiled code, generic instantiations included, then ask the runtime where it put it: its
        // rundown lists each method's code start. That start is a code address of this process, like a return address.
        _ = JsonSerializer.Serialize(new Dictionary<string, int[]> { ["a"] = [1, 2] });
        _ = Enumerable.Range(0, 20).Where(i => i % 2 == 0).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        _ = System.Globalization.ISOWeek.GetWeekOfYear(new DateTime(2024, 5, 6, 0, 0, 0, DateTimeKind.Utc));

        var modules = new Dictionary<long, string>();
        var methods = new List<(long Module, ulong Start, int Token, string Name, bool Jitted, bool Generic)>();
        var client = new DiagnosticsClient(Environment.ProcessId);
        using (EventPipeSession session = client.StartEventPipeSession([new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Critical, 0)], requestRundown: true))
        {
            using var source = new EventPipeEventSource(session.EventStream);
            var rundown = new ClrRundownTraceEventParser(source);
            rundown.LoaderModuleDCStop += d => modules[d.ModuleID] = d.ModuleILPath;
            rundown.MethodDCStopVerbose += d => methods.Add((d.ModuleID, d.MethodStartAddress, d.MethodToken,
                string.IsNullOrEmpty(d.MethodNamespace) ? d.MethodName : d.MethodNamespace + "." + d.MethodName,
                (d.MethodFlags & MethodFlags.Jitted) != 0,
                (d.MethodFlags & MethodFlags.Generic) != 0));
            Task stop = Task.Run(session.Stop);
            source.Process();
            await stop.WaitAsync(TimeSpan.FromSeconds(30));
        }

        var loaded = new LoadedImages();
        var images = new Dictionary<string, ReadyToRunImage?>();
        int precompiled = 0;
        int generic = 0;
        try
        {
            foreach ((long module, ulong start, int token, string name, bool jitted, bool isGeneric) in methods)
            {
                if (jitted || !modules.TryGetValue(module, out string? modulePath) || (modulePath != CoreLibPath && modulePath != JsonPath))
                {
                    continue;
                }

                (string path, ulong imageBase) = loaded.Find(start) ?? throw new Xunit.Sdk.XunitException($"{name} at {start:X}: no image");
                if (!images.TryGetValue(path, out ReadyToRunImage? image))
                {
                    images[path] = image = ReadyToRunImage.Open(path);
                }

                uint rva = (uint)(start - imageBase);
                (int Token, uint BeginRva, uint EndRva)? found = image?.FindMethod(rva);
                if (isGeneric && (path != modulePath || found is null))
                {
                    continue; // an instantiation compiled into another module's image, or of another module's generic: not named
                }

                Assert.Equal(modulePath, path);
                Assert.Equal((name, token, rva), (name, found?.Token ?? 0, found?.BeginRva ?? 0));
                if (!isGeneric && !name.Contains('[', StringComparison.Ordinal))
                {
                    Assert.Equal(name, image!.MethodName(token));
                }

                precompiled++;
                generic += isGeneric ? 1 : 0;
            }
        }
        finally
        {
            foreach (ReadyToRunImage? image in images.Values)
            {
                image?.Dispose();
            }
        }

        Assert.True(precompiled > 100, $"{precompiled} precompiled methods in the rundown");
        Assert.True(generic > 10, $"{generic} precompiled generic instantiations in the rundown");
    }

    [Fact]
    public void AnAssemblyWithoutPrecompiledCodeIsNotAnImage()
    {
        Assert.Null(ReadyToRunImage.Open(typeof(ReadyToRunImageTests).Assembly.Location));
        Assert.Null(ReadyToRunImage.Open(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(CoreLibPath)!, "System.Runtime.dll")));
    }

    [Fact]
    public void MissingOrForeignFilesAreNotImages()
    {
        string directory = Directory.CreateTempSubdirectory("memtrack-r2r-").FullName;
        try
        {
            string text = System.IO.Path.Combine(directory, "text.dll");
            File.WriteAllText(text, "not a PE file");
            Assert.Null(ReadyToRunImage.Open(System.IO.Path.Combine(directory, "missing.dll")));
            Assert.Null(ReadyToRunImage.Open(text));
            Assert.Null(ReadyToRunImage.Open(directory));
            Assert.Null(ReadyToRunImage.Open(string.Empty));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void TruncatedCopiesAreNotImagesAndNeverThrow()
    {
        byte[] original = File.ReadAllBytes(JsonPath);
        string directory = Directory.CreateTempSubdirectory("memtrack-r2r-").FullName;
        try
        {
            foreach (int length in new[] { 0, 2, 64, 512, 4096, original.Length / 8, original.Length / 4, original.Length / 2, (original.Length * 3) / 4 })
            {
                string copy = System.IO.Path.Combine(directory, $"System.Text.Json.{length}.dll");
                File.WriteAllBytes(copy, original.AsSpan(0, length).ToArray());
                Assert.Null(ReadyToRunImage.Open(copy));
            }

            // The whole copy opens, so what the truncated ones lacked was data, not the file name.
            string whole = System.IO.Path.Combine(directory, "System.Text.Json.dll");
            File.WriteAllBytes(whole, original);
            using ReadyToRunImage? image = ReadyToRunImage.Open(whole);
            Assert.NotNull(image);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void NamesNothingOnceDisposedButStillFindsMethods()
    {
        ReadyToRunImage image = ReadyToRunImage.Open(JsonPath)!;
        (int token, uint begin, _) = image.Methods.First();
        Assert.NotNull(image.MethodName(token));
        image.Dispose();
        image.Dispose();
        Assert.Null(image.MethodName(token));
        Assert.Equal(token, image.FindMethod(begin)?.Token);
    }

    private const BindingFlags AllDeclared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static string PathOf(string assemblyName) => Assembly.Load(assemblyName).Location;

    private static ReadOnlySpan<byte> Bytes(PEReader pe, int rva, int length)
    {
        PEMemoryBlock block = pe.GetSectionData(rva);
        Assert.True(block.Length >= length);
        return block.GetContent(0, length).AsSpan();
    }
}
