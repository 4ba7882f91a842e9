namespace MemTrack.Internal.Decoding;

/// <summary>
/// The IL range, <see cref="Low"/> inclusive to <see cref="High"/> exclusive, that holds the call a return address
/// comes back from (<see cref="IlMap.CallWindowAt"/>). <see cref="NextAtReturn"/>: the next statement's code starts
/// exactly at the return address, so the call is the last one before it.
/// </summary>
internal readonly record struct CallWindow(int Low, int High, bool NextAtReturn);
