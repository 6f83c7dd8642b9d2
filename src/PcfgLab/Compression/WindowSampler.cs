namespace PcfgLab.Compression;

/// <summary>
/// Seeded reservoir sampling (Vitter's algorithm R) over a stream of fixed-size windows: after any number of
/// offers it holds a uniform sample of <see cref="Capacity"/> windows (all of them while fewer were seen), in
/// memory proportional to the capacity, not to the stream. The same seed and stream give the same sample.
/// </summary>
internal sealed class WindowSampler
{
    private SplitMix64Stream _random; // not readonly: a struct that advances
    private readonly List<byte[]> _slots;

    /// <summary>Creates a sampler that keeps <paramref name="capacity"/> windows.</summary>
    public WindowSampler(int capacity, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _random = new SplitMix64Stream(seed);
        _slots = new List<byte[]>(Math.Min(capacity, 4096));
    }

    /// <summary>Number of windows kept at most.</summary>
    public int Capacity { get; }

    /// <summary>Windows offered so far.</summary>
    public long Seen { get; private set; }

    /// <summary>The sample: <c>min(Seen, Capacity)</c> windows, in slot order.</summary>
    public IReadOnlyList<byte[]> Sample => _slots;

    /// <summary>Offers one window; it is copied when kept.</summary>
    public void Offer(ReadOnlySpan<byte> window)
    {
        var index = Seen++;
        if (index < Capacity)
        {
            _slots.Add(window.ToArray());
            return;
        }

        var slot = _random.NextBelow(index + 1);
        if (slot < Capacity)
        {
            var kept = _slots[(int)slot];
            if (kept.Length == window.Length)
            {
                window.CopyTo(kept);
            }
            else
            {
                _slots[(int)slot] = window.ToArray();
            }
        }
    }
}
