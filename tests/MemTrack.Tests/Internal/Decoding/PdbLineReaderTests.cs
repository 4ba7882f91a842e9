using System.Reflection;
using MemTrack.Internal.Decoding;

namespace MemTrack.Tests.Internal.Decoding;

public sealed class PdbLineReaderTests
{
    [Fact]
    public void FindsTheFirstLineOfAMethodInThisAssemblysPdb()
    {
        MethodBase method = typeof(PdbLineReaderTests).GetMethod(nameof(FindsTheFirstLineOfAMethodInThisAssemblysPdb))!;
        using PdbLineReader reader = PdbLineReader.Open(typeof(PdbLineReaderTests).Assembly.Location);
        Assert.True(reader.HasSymbols);
        SourceLocation? location = reader.Find(method.MetadataToken, 0);
        Assert.NotNull(location);
        Assert.EndsWith("PdbLineReaderTests.cs", location.Value.FileName, StringComparison.Ordinal);
        Assert.Equal(10, location.Value.LineNumber); // the opening brace
        Assert.Null(reader.Find(0x02000001, 0)); // a type token, not a method
    }

    [Fact]
    public void AnUnknownIlOffsetStillGivesTheMethodsFileWithLineZero()
    {
        MethodBase method = typeof(PdbLineReaderTests).GetMethod(nameof(AnUnknownIlOffsetStillGivesTheMethodsFileWithLineZero))!;
        using PdbLineReader reader = PdbLineReader.Open(typeof(PdbLineReaderTests).Assembly.Location);

        // -1: the native code's IL offset is not mapped (optimized code moves blocks away from their IL map entries).
        SourceLocation? location = reader.Find(method.MetadataToken, -1);
        Assert.NotNull(location);
        Assert.EndsWith("PdbLineReaderTests.cs", location.Value.FileName, StringComparison.Ordinal);
        Assert.Equal(0, location.Value.LineNumber);
    }

    [Fact]
    public void MissingModuleOrModuleWithoutPdbGivesNoLines()
    {
        using PdbLineReader missing = PdbLineReader.Open("/nonexistent/Nothing.dll");
        Assert.False(missing.HasSymbols);
        Assert.Null(missing.Find(0x06000001, 0));

        string notAnAssembly = Path.GetTempFileName();
        try
        {
            File.WriteAllText(notAnAssembly, "not a PE file");
            using PdbLineReader garbage = PdbLineReader.Open(notAnAssembly);
            Assert.False(garbage.HasSymbols);
        }
        finally
        {
            File.Delete(notAnAssembly);
        }
    }
}
