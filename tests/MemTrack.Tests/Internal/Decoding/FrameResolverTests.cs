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
        MethodBase method = typeof(FrameResolverTests).GetMethod(nameof(ResolvesAddressesToInternedFramesWithSourceLines))!;
        using var resolver = new FrameResolver();
        resolver.AddModule(1, typeof(FrameResolverTests).Assembly.Location);
        resolver.Methods.AddMethod(new MethodCode(0x1000, 0x100, 1, 1, method.MetadataToken, "T.M"));
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

        Assert.Equal(FrameResolver.UnknownFrameId, resolver.Resolve(0x9000));
        Assert.True(resolver.IsFramework(FrameResolver.UnknownFrameId));
        Assert.True(resolver.EstimateBytes() > 0);
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
}
