using System.Runtime.InteropServices;

namespace MemTrack.Internal.Session;

/// <summary>The operating-system id of the current thread, as EventPipe reports it in each event.</summary>
internal static partial class NativeThread
{
    /// <summary>Returns the OS thread id, or -1 on a platform where it is not known.</summary>
    public static int CurrentId()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                return GetTidLinux();
            }

            if (OperatingSystem.IsWindows())
            {
                return (int)GetCurrentThreadIdWindows();
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Fall through: samples of the tracer's own thread cannot be told apart.
        }

        return -1;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int GetTidLinux();

    [LibraryImport("kernel32", EntryPoint = "GetCurrentThreadId")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    private static partial uint GetCurrentThreadIdWindows();
}
