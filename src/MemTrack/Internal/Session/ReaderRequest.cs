namespace MemTrack.Internal.Session;

/// <summary>
/// Work that must run on the reader thread once every event written before a barrier has been processed
/// (a snapshot, a clear). The caller waits on <see cref="Done"/> with a timeout.
/// </summary>
internal sealed class ReaderRequest(long barrierId, Func<object?> work)
{
    public long BarrierId { get; } = barrierId;

    public ManualResetEventSlim Done { get; } = new(false);

    public object? Result { get; private set; }

    public Exception? Error { get; private set; }

    public void Run()
    {
        try
        {
            Result = work();
        }
        catch (Exception ex)
        {
            Error = ex;
        }

        Done.Set();
    }

    public void Fail(Exception error)
    {
        Error = error;
        Done.Set();
    }
}
