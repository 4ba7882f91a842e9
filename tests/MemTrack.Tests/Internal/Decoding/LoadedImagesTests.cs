using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using MemTrack.Internal.Decoding;

namespace MemTrack.Tests.Internal.Decoding;

public sealed class LoadedImagesTests
{
    // How the runtime maps System.Private.CoreLib on linux-x64 (RVA layout: headers, then the text section from file
    // offset 0 page-aligned at +0x10000, data, relocations), after a flat shared mapping of the whole file elsewhere.
    private const string CoreLib = "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Private.CoreLib.dll";

    private static readonly string[] ReadyToRunLayout =
    [
        "7ffb25800000-7ffb266db000 r--s 00000000 fe:00 350922                     " + CoreLib,
        "7ffb266db000-7ffb266dc000 rw-p 00000000 00:00 0 ",
        "7fa538e50000-7fa538e51000 r--p 00000000 fe:00 350922                     " + CoreLib,
        "7fa538e51000-7fa538e60000 ---p 00000000 00:00 0 ",
        "7fa538e60000-7fa5399ac000 r-xp 00000000 fe:00 350922                     " + CoreLib,
        "7fa5399ac000-7fa5399cc000 ---p 00000000 00:00 0 ",
        "7fa5399cc000-7fa539d4e000 rw-p 00b4c000 fe:00 350922                     " + CoreLib,
        "7fa539d4e000-7fa539d6d000 ---p 00000000 00:00 0 ",
        "7fa539d6d000-7fa539d79000 r--p 00ecd000 fe:00 350922                     " + CoreLib,
        "7fa539d79000-7fa539d80000 ---p 00000000 00:00 0 ",
        "7fa539f3e000-7fa539f40000 ---s 001df000 00:01 613                        /memfd:doublemapper (deleted)",
        "7fa539f40000-7fa539f48000 r-xp 00000000 00:00 0 ",
    ];

    [Fact]
    public void TheBaseOfAReadyToRunImageIsItsHeaderMappingNotItsTextMapping()
    {
        var mappings = LoadedImages.ParseMaps(Sort(ReadyToRunLayout));
        Assert.Equal((CoreLib, 0x7fa538e50000UL), LoadedImages.Lookup(mappings, 0x7fa538e60000));
        Assert.Equal((CoreLib, 0x7fa538e50000UL), LoadedImages.Lookup(mappings, 0x7fa5399abfff));
        Assert.Equal((CoreLib, 0x7fa538e50000UL), LoadedImages.Lookup(mappings, 0x7fa538e50000));
        Assert.Equal((CoreLib, 0x7fa538e50000UL), LoadedImages.Lookup(mappings, 0x7fa539d70000));
    }

    [Fact]
    public void MemoryOfNoReadableFileIsNotAnImage()
    {
        var mappings = LoadedImages.ParseMaps(Sort(ReadyToRunLayout));
        Assert.Null(LoadedImages.Lookup(mappings, 0x7ffb25800000)); // the flat shared mapping: not code, no base
        Assert.Null(LoadedImages.Lookup(mappings, 0x7fa538e58000)); // a reserved gap inside the image
        Assert.Null(LoadedImages.Lookup(mappings, 0x7fa539f3f000)); // jitted code (the runtime's double mapping)
        Assert.Null(LoadedImages.Lookup(mappings, 0x7fa539f40000)); // anonymous
        Assert.Null(LoadedImages.Lookup(mappings, 0x7fa539f48000)); // unmapped
        Assert.Null(LoadedImages.Lookup(mappings, 0));
        Assert.Null(LoadedImages.Lookup(LoadedImages.ParseMaps(["7f0000000000-7f0000001000 rw-p 00000000 00:00 0    [heap]"]), 0x7f0000000000));
    }

    [Fact]
    public void TheBaseOfANativeLibraryIsItsFirstMapping()
    {
        const string Library = "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/libcoreclr.so";
        var mappings = LoadedImages.ParseMaps(
        [
            "7fa53a010000-7fa5b7e00000 ---p 00000000 00:00 0 ",
            "7fa5b7e00000-7fa5b7ebd000 r--p 00000000 fe:00 351014                     " + Library,
            "7fa5b7ebd000-7fa5b7ebe000 r--p 000bd000 fe:00 351014                     " + Library,
            "7fa5b7ebe000-7fa5b7fc9000 r--p 000be000 fe:00 351014                     " + Library,
            "7fa5b7fc9000-7fa5b847a000 r-xp 001c8000 fe:00 351014                     " + Library,
            "7fa5b847a000-7fa5b84a2000 r--p 00678000 fe:00 351014                     " + Library,
            "7fa5b84a2000-7fa5b84cb000 rw-p 0069f000 fe:00 351014                     " + Library,
            "7fa5b84cb000-7fa5b8520000 rw-p 00000000 00:00 0 ",
        ]);
        Assert.Equal((Library, 0x7fa5b7e00000UL), LoadedImages.Lookup(mappings, 0x7fa5b8000000));
        Assert.Null(LoadedImages.Lookup(mappings, 0x7fa5b84cb000));
    }

    [Fact]
    public void TwoAdjacentLoadsOfOneFileHaveTheirOwnBases()
    {
        const string File = "/app/My App.dll"; // a path with a space
        var mappings = LoadedImages.ParseMaps(
        [
            "7f0000000000-7f0000001000 r--p 00000000 fe:00 42                         " + File,
            "7f0000001000-7f0000010000 ---p 00000000 00:00 0 ",
            "7f0000010000-7f0000020000 r-xp 00000000 fe:00 42                         " + File,
            "7f0000020000-7f0000021000 r--p 00012000 fe:00 42                         " + File,
            "7f0000021000-7f0000022000 r--p 00000000 fe:00 42                         " + File,
            "7f0000022000-7f0000031000 ---p 00000000 00:00 0 ",
            "7f0000031000-7f0000041000 r-xp 00000000 fe:00 42                         " + File,
        ]);
        Assert.Equal((File, 0x7f0000000000UL), LoadedImages.Lookup(mappings, 0x7f0000010010));
        Assert.Equal((File, 0x7f0000021000UL), LoadedImages.Lookup(mappings, 0x7f0000031010));
    }

    [Fact]
    public void MalformedLinesAreSkipped()
    {
        var mappings = LoadedImages.ParseMaps(["", "garbage", "zzzz-1000 r-xp 0 0 0 /x", "1000-2000 r", "1000-2000 r-xp 00000000 fe:00 1 /lib/a.so"]);
        Assert.Equal(("/lib/a.so", 0x1000UL), LoadedImages.Lookup(mappings, 0x1800));
    }

    [Fact]
    public void FindsCoreLibAndItsBaseForAnAddressInItsImage()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // Windows uses GetHINSTANCE (untested); other systems have no table and answer null
        }

        // A UTF-16 byte order mark is constant data of CoreLib's image: its address is an address inside the image.
        ReadOnlySpan<byte> preamble = Encoding.Unicode.Preamble;
        ulong address = AddressOf(preamble);
        (string path, ulong imageBase) = new LoadedImages().Find(address) ?? throw new Xunit.Sdk.XunitException($"{address:X}: no image");

        Assert.Equal(typeof(object).Assembly.Location, path);
        Assert.Equal(0x5A4D, Marshal.ReadInt16((nint)imageBase)); // "MZ"
        using var pe = new PEReader(File.OpenRead(path));
        PEMemoryBlock atRva = pe.GetSectionData((int)(address - imageBase));
        Assert.Equal(preamble.ToArray(), atRva.GetContent(0, preamble.Length).ToArray());
    }

    [Fact]
    public void AnonymousMemoryIsNotAnImage()
    {
        var images = new LoadedImages(TimeSpan.Zero);
        nint block = Marshal.AllocHGlobal(4 << 20); // large enough for its own anonymous mapping
        try
        {
            Assert.Null(images.Find((ulong)block + (1 << 20)));
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }

        Assert.Null(images.Find(0));
        Assert.Null(images.Find(ulong.MaxValue));
        images.Invalidate();
        Assert.Null(images.Find(AddressOf(new byte[16])));
    }

    [Fact]
    public void AMissRereadsTheMappingsOnlyAfterTheInterval()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, new byte[64 * 1024]);
            var rarely = new LoadedImages(TimeSpan.FromHours(1));
            var always = new LoadedImages(TimeSpan.Zero);
            Assert.NotNull(rarely.Find(AddressOf(Encoding.Unicode.Preamble))); // reads the table now

            // Mapped after that read, privately from offset 0, like an image: a new mapping the cached table lacks.
            using var mapped = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateFromFile(file, FileMode.Open, null, 0, System.IO.MemoryMappedFiles.MemoryMappedFileAccess.CopyOnWrite);
            using var view = mapped.CreateViewAccessor(0, 0, System.IO.MemoryMappedFiles.MemoryMappedFileAccess.CopyOnWrite);
            ulong start = (ulong)view.SafeMemoryMappedViewHandle.DangerousGetHandle();

            Assert.Null(rarely.Find(start + 100));
            Assert.Equal((file, start), always.Find(start + 100));
            rarely.Invalidate();
            Assert.Equal((file, start), rarely.Find(start + 100));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static ulong AddressOf(ReadOnlySpan<byte> data) =>
        (ulong)Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref MemoryMarshal.GetReference(data));

    private static string[] Sort(string[] lines) => [.. lines.OrderBy(line => line[..line.IndexOf('-', StringComparison.Ordinal)], StringComparer.Ordinal)];
}
