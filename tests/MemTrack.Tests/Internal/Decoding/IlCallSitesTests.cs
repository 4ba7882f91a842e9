using System.Reflection;
using System.Runtime.CompilerServices;
using MemTrack.Internal.Decoding;

namespace MemTrack.Tests.Internal.Decoding;

public sealed class IlCallSitesTests
{
    [Fact]
    public void FindsTheCallsAndAllocationsOfAMethodBodyInOrder()
    {
        byte[] il = typeof(IlCallSitesTests).GetMethod(nameof(Allocates), BindingFlags.NonPublic | BindingFlags.Static)!.GetMethodBody()!.GetILAsByteArray()!;

        IlCallSite[] sites = IlCallSites.Find(il);

        Assert.Equal([IlCallKind.NewArray, IlCallKind.NewObject, IlCallKind.Box, IlCallKind.Call], sites.Select(s => s.Kind));
        Assert.All(sites, site => Assert.Equal((byte)site.Kind, il[site.Offset]));
        Assert.Equal(sites.OrderBy(s => s.Offset), sites);
    }

    [Fact]
    public void StepsOverSwitchTablesAndTwoByteOpcodes()
    {
        // ldarg.0; switch (2 targets); ldarg.0; ldarg.1; ceq (0xFE 0x01); pop; newobj 0x0A000001; ret
        byte[] il = [0x02, 0x45, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x03, 0xFE, 0x01, 0x26, 0x73, 1, 0, 0, 0x0A, 0x2A];

        IlCallSite site = Assert.Single(IlCallSites.Find(il));

        Assert.Equal(new IlCallSite(19, IlCallKind.NewObject, 0x0A000001), site);
    }

    [Theory]
    [InlineData(new byte[] { 0x28, 1, 0 })]             // a call whose token is cut off
    [InlineData(new byte[] { 0x45, 0xFF, 0xFF, 0xFF })] // a switch whose count runs past the end
    [InlineData(new byte[] { 0xFE })]                   // a two-byte opcode cut in half
    [InlineData(new byte[] { 0xA6, 0x28, 1, 0, 0, 6 })] // an undefined opcode ends the scan
    public void ATruncatedOrInvalidBodyEndsTheScanWithoutThrowing(byte[] il) =>
        Assert.Empty(IlCallSites.Find(il));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object Allocates(int n)
    {
        int[] numbers = new int[n];
        var list = new List<int>(numbers);
        object boxed = n;
        return Tuple.Create(list, boxed);
    }
}
