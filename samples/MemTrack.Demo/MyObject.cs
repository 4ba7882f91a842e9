namespace MemTrack.Demo;

/// <summary>The seed article's object: it holds 100 random bytes.</summary>
internal sealed class MyObject
{
    public MyObject()
    {
        Data = new byte[100];
        Random.Shared.NextBytes(Data);
    }

    public byte[] Data { get; }
}
