namespace VideoTransformers.Data.Loading;

/// <summary>
/// The fixed formulas that turn a loader seed into per-epoch shuffling seeds and per-sample augmentation seeds.
/// They are SplitMix64 mixes, identical in every process and on every runtime, unlike
/// <see cref="HashCode.Combine{T1, T2}"/>, which is randomised per process.
/// </summary>
public static class LoaderSeeds
{
    private const ulong ShuffleTag = 0x5348_5546_464C_4531UL;
    private const ulong SampleTag = 0x5341_4D50_4C45_5331UL;

    /// <summary>The seed of the shuffling permutation of <paramref name="epoch"/>.</summary>
    public static int EpochSeed(int seed, int epoch) => ToSeed(Mix(Mix(Mix((uint)seed) ^ (uint)epoch) ^ ShuffleTag));

    /// <summary>The seed of the <see cref="Random"/> that samples and augments dataset item <paramref name="index"/> in <paramref name="epoch"/>.</summary>
    public static int SampleSeed(int seed, int epoch, int index) => ToSeed(Mix(Mix(Mix(Mix((uint)seed) ^ (uint)epoch) ^ (uint)index) ^ SampleTag));

    /// <summary>The order in which an epoch visits <paramref name="count"/> items: shuffled from <see cref="EpochSeed"/>, or 0..count-1.</summary>
    public static int[] EpochOrder(int count, int seed, int epoch, bool shuffle)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = Enumerable.Range(0, count).ToArray();
        // Random(int) is the seeded legacy generator, whose sequence .NET keeps stable across versions.
        if (shuffle) new Random(EpochSeed(seed, epoch)).Shuffle(order);
        return order;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static int ToSeed(ulong z) => (int)(z & 0x7FFF_FFFF);
}
