namespace MemTrack.Demo;

/// <summary>A session record the request handler caches and never evicts: the leaked object of the demo.</summary>
internal sealed record Session(int RequestId, byte[] State);
