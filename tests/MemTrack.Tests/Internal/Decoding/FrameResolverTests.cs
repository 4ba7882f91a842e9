using System.Reflection;
using MemTrack.Internal.Decoding;

namespace MemTrack.Tests.Internal.Decoding;

public sealed class FrameResolverTests
{
    [Theory]
    [InlineData("/app/System.Private.CoreLib.dll", true)]
    [InlineData("/app/Microsoft.Extensions.Logging.dll", true)]
    [InlineData("/app/mscorlib.dll", true)]
    [InlineData("/app/MyApp.dll", false)]
    [InlineData("/app/Systematic.dll", false)]
    public void FrameworkModulesAreRecognisedByName(string path, bool expected) =>
        Assert.Equal(expected, FrameResolver.IsFrameworkModule(path));

    [Fact]
    public void ModulesInTheRuntimeDirectoryAreFramework()
    {
        string runtimeDir = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        Assert.True(FrameResolver.IsFrameworkModule(Path.Combine(runtimeDir, "anything.dll")));
    }

    [Fact]
    public void ResolvesAddressesToInternedFramesWithSourceLines()
    {
        using FrameResolver resolver = ResolverWithMethod(nameof(ResolvesAddressesToInternedFramesWithSourceLines), 0x100);
        resolver.Methods.AddIlMap(1, [0], [0]);

        int first = resolver.Resolve(0x1010);
        int second = resolver.Resolve(0x1020);
        Frame frame = resolver.GetFrame(first);
        Assert.Equal(first, second); // same method, same line: one frame
        Assert.Equal("T.M", frame.Method);
        Assert.Equal("MemTrack.Tests.dll", frame.Module);
        Assert.EndsWith("FrameResolverTests.cs", frame.FileName, StringComparison.Ordinal);
        Assert.Equal(26, frame.LineNumber); // IL offset 0: the opening brace
        Assert.False(resolver.IsFramework(first));

        // No method and no mapped image covers 0x9000: an unknown frame of that address, hidden as framework code.
        int unknown = resolver.Resolve(0x9000);
        Assert.Equal(new Frame("<unknown> 0x8fff", null, 0, "<unknown>"), resolver.GetFrame(unknown));
        Assert.NotEqual(unknown, resolver.Resolve(0x9100));
        Assert.True(resolver.IsFramework(unknown));
        Assert.True(resolver.EstimateBytes() > 0);
    }

    [Fact]
    public void CodeOutsideTheIlMapKeepsItsMethodsFileSoItGroupsWithTheMethod()
    {
        using FrameResolver resolver = ResolverWithMethod(nameof(CodeOutsideTheIlMapKeepsItsMethodsFileSoItGroupsWithTheMethod), 0x200);

        // The shape of a real tier-1 map (seen in the accuracy benchmark): after the prolog marker, the first mapped
        // native offset is 315, and the loop body, placed first, at native offsets 1 to 150 has no entry at all.
        resolver.Methods.AddIlMap(1, [0, 315, 151], [-2, 0, 1]);

        Frame unmapped = resolver.GetFrame(resolver.Resolve(0x1000 + 95));
        Frame mapped = resolver.GetFrame(resolver.Resolve(0x1000 + 320));
        Assert.Equal("T.M", unmapped.Method);
        Assert.Equal(mapped.FileName, unmapped.FileName);
        Assert.EndsWith("FrameResolverTests.cs", unmapped.FileName, StringComparison.Ordinal);
        Assert.Equal(0, unmapped.LineNumber);
        Assert.Equal(mapped with { LineNumber = 0 }, unmapped); // statistics by method: one key for both frames
    }

    [Fact]
    public void A_return_address_is_charged_to_the_call_before_it()
    {
        using FrameResolver resolver = ResolverWithMethod(nameof(A_return_address_is_charged_to_the_call_before_it), 0x100);
        using PdbLineReader pdb = PdbLineReader.Open(typeof(FrameResolverTests).Assembly.Location);
        int token = typeof(FrameResolverTests).GetMethod(nameof(A_return_address_is_charged_to_the_call_before_it))!.MetadataToken;
        int braceLine = pdb.Find(token, 0)!.Value.LineNumber;
        int firstStatementLine = pdb.Find(token, 1)!.Value.LineNumber;
        Assert.NotEqual(braceLine, firstStatementLine);

        // Native 0x00-0x1F is IL 0 (a call ending at 0x1F), native 0x20 on is IL 1. A stack frame's address is the
        // return address, one past the call: 0x20 is still the call at IL 0; only 0x21 is in IL 1's code.
        resolver.Methods.AddIlMap(1, [0, 0x20], [0, 1]);
        Assert.Equal(braceLine, resolver.GetFrame(resolver.Resolve(0x1020)).LineNumber);
        Assert.Equal(firstStatementLine, resolver.GetFrame(resolver.Resolve(0x1021)).LineNumber);
    }

    [Theory]
    [InlineData(nameof(AllocatesTwoArrays), "Uri[]", "Version[]")]
    [InlineData(nameof(CallsTwoMethods), "AllocatesTwoArrays", "CallsTwoMethods")]
    public void In_a_sparse_map_what_the_call_did_names_its_line(string methodName, string first, string second)
    {
        // An optimized method's map can have no entry between the prolog and the epilog (seen for small tier-1
        // methods): the call's line then comes from the IL instruction that allocated the sample's type, or called
        // the frame above.
        MethodInfo method = typeof(FrameResolverTests).GetMethod(methodName, BindingFlags.NonPublic | BindingFlags.Static)!;
        using PdbLineReader pdb = PdbLineReader.Open(typeof(FrameResolverTests).Assembly.Location);
        int LineOf(string name) => pdb.CallSites(method.MetadataToken)
            .Where(site => pdb.SiteNames(site) is var (type, callee) && (type == name || callee == name))
            .Select(site => pdb.Find(method.MetadataToken, site.Offset)!.Value.LineNumber)
            .Single();
        using var resolver = new FrameResolver();
        resolver.AddModule(1, typeof(FrameResolverTests).Assembly.Location);
        resolver.Methods.AddMethod(new MethodCode(0x1000, 0x100, 1, 1, method.MetadataToken, "T.M"));
        resolver.Methods.AddIlMap(1, [0, 0x80], [-2, -3]);

        CallContext Context(string name) => name.EndsWith("[]", StringComparison.Ordinal) ? new(name, null) : new(null, name);
        Assert.Equal(LineOf(first), resolver.GetFrame(resolver.Resolve(0x1010, Context(first))).LineNumber);
        Assert.Equal(LineOf(second), resolver.GetFrame(resolver.Resolve(0x1020, Context(second))).LineNumber);
        Assert.NotEqual(LineOf(first), LineOf(second));
    }

    [Theory]
    [InlineData(true)]  // the inlinee's statement has a mapping of its own
    [InlineData(false)] // it has none (a lambda's one expression): the allocated type finds the inlinee
    public void Code_inlined_with_rich_debug_info_gets_a_frame_per_method_innermost_first(bool inlineeMapped)
    {
        MethodInfo root = typeof(FrameResolverTests).GetMethod(nameof(CallsInlinee), BindingFlags.NonPublic | BindingFlags.Static)!;
        MethodInfo inlinee = typeof(FrameResolverTests).GetMethod(nameof(AllocatesTwoArrays), BindingFlags.NonPublic | BindingFlags.Static)!;
        using PdbLineReader pdb = PdbLineReader.Open(typeof(FrameResolverTests).Assembly.Location);
        int LineOf(MethodInfo method, string name) => pdb.CallSites(method.MetadataToken)
            .Where(site => pdb.SiteNames(site) is var (type, callee) && (type == name || callee == name))
            .Select(site => pdb.Find(method.MetadataToken, site.Offset)!.Value.LineNumber)
            .Single();

        using var resolver = new FrameResolver();
        resolver.AddModule(1, typeof(FrameResolverTests).Assembly.Location);
        resolver.Methods.AddMethod(new MethodCode(0x1000, 0x100, 1, 1, root.MetadataToken, "T.CallsInlinee"));
        resolver.Methods.AddIlMap(1, [0, 0x10, 0x80], [-2, 0, -3]);
        resolver.Methods.AddMethod(new MethodCode(0x9000, 0x40, 2, 1, inlinee.MetadataToken, "T.AllocatesTwoArrays")); // its own tier-0 code
        (uint, uint, uint)[] mappings = inlineeMapped ? [(0, 0, 0x10), (0, 1, 0x40), (0x10, 0, 0x60)] : [(0, 0, 0x10), (0x10, 0, 0x60)];
        resolver.Methods.AddInlineTree(1, InlineTree.Parse(RichDebugInfoBlobs.Blob([(1, 1, 0), (2, 0, 0)], mappings), 8));

        var frames = new List<int>();
        resolver.Resolve(0x1046, new CallContext("Version[]", null), frames);

        Frame[] chain = [.. frames.Select(resolver.GetFrame)];
        Assert.Equal(2, chain.Length);
        Assert.Equal(("T.AllocatesTwoArrays", true, LineOf(inlinee, "Version[]")), (chain[0].Method, chain[0].IsInlined, chain[0].LineNumber));
        Assert.Equal(("T.CallsInlinee", false, LineOf(root, "AllocatesTwoArrays")), (chain[1].Method, chain[1].IsInlined, chain[1].LineNumber));
        Assert.Equal(frames[0], resolver.Resolve(0x1046)); // cached per address: the innermost frame
    }

    [Theory]
    [InlineData("MemTrack.dll", true)]
    [InlineData("memtrack.DLL", true)]
    [InlineData("MemTrack.Extensions.Hosting.dll", true)]
    [InlineData("MemTrack.StartupHook.dll", true)]
    [InlineData("MemTrack.Tests.dll", false)]
    [InlineData("MemTrack.Demo.dll", false)]
    [InlineData("MyApp.dll", false)]
    public void OnlyMemTracksOwnModulesAreTheTracers(string module, bool own) =>
        Assert.Equal(own, FrameResolver.IsTracerModule(module));

    /// <summary>A resolver that knows this test assembly (module 1) and one of its methods (id 1, "T.M") at 0x1000.</summary>
    private static FrameResolver ResolverWithMethod(string testName, uint size)
    {
        MethodBase method = typeof(FrameResolverTests).GetMethod(testName)!;
        var resolver = new FrameResolver();
        resolver.AddModule(1, typeof(FrameResolverTests).Assembly.Location);
        resolver.Methods.AddMethod(new MethodCode(0x1000, size, 1, 1, method.MetadataToken, "T.M"));
        return resolver;
    }

    private static object AllocatesTwoArrays()
    {
        var first = new Uri[2];
        GC.KeepAlive(first);
        return new Version[3];
    }

    private static object CallsTwoMethods()
    {
        GC.KeepAlive(AllocatesTwoArrays());
        return CallsTwoMethods();
    }

    private static object CallsInlinee()
    {
        GC.KeepAlive(new object());
        return AllocatesTwoArrays();
    }
}
