namespace VideoTransformers.Data.Loading;

/// <summary>
/// Loading, transforming or collating a sample failed. Thrown to the consumer of the batches (not on the worker
/// thread where it happened), at the position of the batch that holds the sample.
/// </summary>
public sealed class DataLoaderException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sampleIndex">Dataset index of the sample.</param>
    /// <param name="epoch">The epoch being loaded.</param>
    /// <param name="batchIndex">Position of the batch in the epoch.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The original exception, if any.</param>
    public DataLoaderException(int sampleIndex, int epoch, int batchIndex, string message, Exception? inner = null)
        : base(message, inner)
    {
        SampleIndex = sampleIndex;
        Epoch = epoch;
        BatchIndex = batchIndex;
    }

    /// <summary>Dataset index of the sample that failed.</summary>
    public int SampleIndex { get; }

    /// <summary>The epoch being loaded.</summary>
    public int Epoch { get; }

    /// <summary>Position of the batch in the epoch.</summary>
    public int BatchIndex { get; }

    internal static DataLoaderException Wrap(Exception e, int sampleIndex, int epoch, int batchIndex) =>
        e as DataLoaderException ?? new DataLoaderException(sampleIndex, epoch, batchIndex,
            $"Sample {sampleIndex} (batch {batchIndex}, epoch {epoch}) failed: {e.GetType().Name}: {e.Message}", e);
}
