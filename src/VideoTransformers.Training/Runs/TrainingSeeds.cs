namespace VideoTransformers.Training.Runs;

/// <summary>
/// Derives the seeds of a run from its one configured seed. Every training step reseeds libtorch with
/// <see cref="StepSeed"/>, so the random numbers of a step (dropout masks, stochastic depth) depend only on
/// (seed, epoch, step) and not on what ran before: a run resumed from any checkpoint, even one saved mid-epoch,
/// draws exactly what the uninterrupted run drew. Each epoch also starts from <see cref="EpochSeed"/>, which covers a
/// batch source that draws from libtorch while it builds the first batch; a source that keeps drawing from libtorch
/// between steps can only be resumed exactly at epoch boundaries (the <see cref="VideoTransformers.Data.Loading.IBatchSource"/>
/// contract asks sources to use their own seeded generators).
/// </summary>
public static class TrainingSeeds
{
    /// <summary>The seed of step <paramref name="step"/> (0-based, within the epoch) of epoch <paramref name="epoch"/> (0-based).</summary>
    public static long StepSeed(long seed, int epoch, int step) =>
        unchecked((long)Mix(Mix(Mix((ulong)seed) ^ (ulong)epoch) ^ ((ulong)step << 32 | 0x5eedUL)));

    /// <summary>The seed set at the start of epoch <paramref name="epoch"/> (0-based), before its first batch is drawn.</summary>
    public static long EpochSeed(long seed, int epoch) => unchecked((long)Mix(Mix((ulong)seed) ^ (ulong)epoch ^ 0xE90C4UL));

    /// <summary>
    /// The seed rank <paramref name="rank"/> of a data-parallel run uses in place of <paramref name="seed"/>: rank 0
    /// keeps it (so it draws what a single process would), other ranks get unrelated streams, so that dropout masks
    /// and stochastic depth differ between the slices of a global batch.
    /// </summary>
    public static long RankSeed(long seed, int rank) =>
        rank == 0 ? seed : unchecked((long)Mix((ulong)seed ^ ((ulong)(uint)rank << 32 | 0x7A4EUL)));

    // SplitMix64's finaliser: nearby inputs give unrelated outputs, so seeds 0 and 1 do not share streams.
    private static ulong Mix(ulong z)
    {
        z = unchecked(z + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
