namespace VideoTransformers.Data.Loading;

/// <summary>How a <see cref="DataLoader"/> batches, shuffles and parallelises.</summary>
/// <param name="BatchSize">Samples per batch.</param>
/// <param name="Shuffle">Visit the samples in a new order every epoch (a permutation derived from <paramref name="Seed"/> and the epoch).</param>
/// <param name="DropLast">Drop the last batch when it would be smaller than <paramref name="BatchSize"/>.</param>
/// <param name="Seed">The seed of shuffling and of every per-sample <see cref="Random"/> (see <see cref="LoaderSeeds"/>).</param>
/// <param name="Workers">Background threads that load and transform batches; 0 loads on the consumer's thread.
/// Batches are identical for any value. See <see cref="DataLoader"/> on threads.</param>
/// <param name="Prefetch">Finished batches that may wait for the consumer (spread over the workers, at least one each).</param>
/// <param name="RandomSampling">Pass the per-sample <see cref="Random"/> to <see cref="Datasets.IVideoDataset.GetSample"/>, so datasets
/// draw random temporal windows; false asks them for their deterministic (central) window, as evaluation wants.</param>
public sealed record DataLoaderOptions(
    int BatchSize = 8,
    bool Shuffle = true,
    bool DropLast = false,
    int Seed = 0,
    int Workers = 0,
    int Prefetch = 2,
    bool RandomSampling = true)
{
    /// <summary>Options for evaluation: no shuffling, no dropped samples, deterministic windows.</summary>
    public static DataLoaderOptions Evaluation(int batchSize, int workers = 0) =>
        new(batchSize, Shuffle: false, DropLast: false, Workers: workers, RandomSampling: false);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for values the loader cannot honour.</summary>
    public DataLoaderOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(Workers, nameof(Workers));
        ArgumentOutOfRangeException.ThrowIfLessThan(Prefetch, 1, nameof(Prefetch));
        return this;
    }
}
