namespace MemTrack.Tests.Shared;

/// <summary>Exit codes of child processes, as the parent sees them.</summary>
internal static class ExitCodes
{
    /// <summary>
    /// A .NET app that ends on an unhandled exception: the runtime aborts, so 134 (128 + SIGABRT) on Linux and macOS;
    /// on Windows the CLR exception code 0xE0434352.
    /// </summary>
    public static int Crash { get; } = OperatingSystem.IsWindows() ? unchecked((int)0xE0434352) : 134;
}
