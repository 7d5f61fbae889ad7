namespace VideoTransformers.Data.Loading;

/// <summary>Anything that yields batches epoch after epoch (a data loader, or an in-memory tensor set in tests).</summary>
public interface IBatchSource
{
    /// <summary>Class names (a label indexes this list).</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of samples.</summary>
    int SampleCount { get; }

    /// <summary>Batches per epoch.</summary>
    int BatchCount { get; }

    /// <summary>
    /// The batches of one epoch. Shuffling and random augmentation derive their randomness from the source's seed and
    /// <paramref name="epoch"/>, so that an epoch can be replayed exactly (for resume).
    /// </summary>
    IEnumerable<Batch> GetBatches(int epoch);
}
