using System.Runtime.CompilerServices;

namespace MemTrack.Benchmarks;

/// <summary>
/// The exact account of one allocation site of <see cref="AccuracySites"/>, kept by the site's own loop without
/// allocating: bytes from <see cref="GC.GetAllocatedBytesForCurrentThread"/> deltas (one loop iteration at a time),
/// and the number of AllocationSampled events those bytes should give, with its variance, if each byte is sampled
/// independently with probability 1/102,400 (an iteration of s bytes is sampled with probability 1 - q^s; exact for
/// iterations that allocate one object; for those that allocate several, pi of their sum is a little low, as pi is
/// concave: about 3 % for the 4 to 8 KB iterations of ListGrowth).
/// </summary>
internal struct SiteTally
{
    /// <summary>ln(1 - 1/102,400): the runtime's sampling rate, as docs/statistics.md states it.</summary>
    private static readonly double LogQ = Math.Log(1.0 - (1.0 / 102_400));

    private long _budget;
    private long _callStart;
    private long _last;

    /// <summary>Exact bytes the site allocated.</summary>
    public long Bytes;

    /// <summary>Iterations (objects, for sites that allocate one per iteration).</summary>
    public long Iterations;

    /// <summary>Expected number of samples: the sum of the iterations' inclusion probabilities.</summary>
    public double ExpectedSamples;

    /// <summary>Variance of the number of samples: the sum of pi(1 - pi).</summary>
    public double SampleVariance;

    /// <summary>Starts a call of the site that may allocate <paramref name="budget"/> bytes.</summary>
    public void Begin(long budget)
    {
        _budget = budget;
        _callStart = GC.GetAllocatedBytesForCurrentThread();
        _last = _callStart;
    }

    /// <summary>Accounts for the bytes allocated since the previous call (one iteration); false once the call's budget is spent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Next()
    {
        long now = GC.GetAllocatedBytesForCurrentThread();
        long bytes = now - _last;
        if (bytes > 0)
        {
            double pi = -double.ExpM1(bytes * LogQ);
            Bytes += bytes;
            Iterations++;
            ExpectedSamples += pi;
            SampleVariance += pi * (1 - pi);
            _last = now;
        }

        return now - _callStart < _budget;
    }
}
