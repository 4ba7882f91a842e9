using System.Runtime.InteropServices;

namespace MemTrack.Internal.Storage;

/// <summary>
/// Tells what is at a path, following symbolic links. .NET's file APIs do not tell a device or a pipe from a regular
/// file on Unix, so this asks the runtime's own native layer (libSystem.Native's <c>SystemNative_Stat</c>, whose result
/// starts with flags and the file mode, in the runtime's portable encoding); where that is not available (Windows) a
/// path that exists is a regular file or a directory.
/// </summary>
internal static partial class FileKinds
{
    private const int TypeMask = 0xF000;
    private const int Fifo = 0x1000;
    private const int CharacterDevice = 0x2000;
    private const int DirectoryType = 0x4000;
    private const int RegularType = 0x8000;

    /// <summary>Bytes for the native status structure: more than it takes in any runtime version (about 150).</summary>
    private const int StatusBytes = 512;

    public static FileKind Of(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                byte[] status = new byte[StatusBytes];
                if (Stat(path, status) != 0)
                {
                    return File.Exists(path) || Directory.Exists(path) ? FileKind.Other : FileKind.Missing;
                }

                return (BitConverter.ToInt32(status, 4) & TypeMask) switch
                {
                    RegularType => FileKind.Regular,
                    DirectoryType => FileKind.Directory,
                    CharacterDevice => FileKind.CharacterDevice,
                    Fifo => FileKind.Pipe,
                    _ => FileKind.Other,
                };
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // A runtime without the function: fall back to what .NET tells.
            }
        }

        return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, [Out] byte[] status);
}
