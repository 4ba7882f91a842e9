using System.Runtime.CompilerServices;

namespace MemTrack.Demo;

/// <summary>
/// A request handler with a leak, as in the leak-hunting articles: every request renders a big response that dies at
/// once (garbage), and stores a small session record in a static cache that nothing ever evicts (the leak).
/// </summary>
internal static class RequestHandler
{
    private static readonly Dictionary<int, Session> SessionCache = [];
    private static byte[]? s_lastResponse;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Handle(int requestId)
    {
        byte[] response = new byte[8_000];
        response[0] = (byte)requestId;
        s_lastResponse = response;
        SessionCache[requestId] = new Session(requestId, new byte[800]);
    }

    /// <summary>The response of the last request (keeps the responses on the heap, as a real server's would be).</summary>
    public static int LastResponseLength => s_lastResponse?.Length ?? 0;
}
