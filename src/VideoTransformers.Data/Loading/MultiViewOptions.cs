namespace VideoTransformers.Data.Loading;

/// <summary>Batching and workers of a <see cref="MultiViewLoader"/>.</summary>
/// <param name="BatchSize">Videos per batch; a batch holds <c>BatchSize × ViewsPerVideo</c> rows.</param>
/// <param name="Workers">Background threads, as in <see cref="DataLoaderOptions.Workers"/>.</param>
/// <param name="Prefetch">Finished batches that may wait for the consumer.</param>
public sealed record MultiViewOptions(int BatchSize = 4, int Workers = 0, int Prefetch = 2)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for values the loader cannot honour.</summary>
    public MultiViewOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(Workers, nameof(Workers));
        ArgumentOutOfRangeException.ThrowIfLessThan(Prefetch, 1, nameof(Prefetch));
        return this;
    }
}
