namespace VideoTransformers.Data.Datasets;

/// <summary>An indexable set of labelled video samples, independent of any tensor library.</summary>
public interface IVideoDataset
{
    /// <summary>Class names; a label is an index into this list.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>The label of sample <paramref name="index"/>, without loading its frames.</summary>
    int GetLabel(int index);

    /// <summary>
    /// Loads sample <paramref name="index"/>. Datasets with random temporal sampling draw from
    /// <paramref name="random"/> and use a deterministic central window when it is null.
    /// </summary>
    VideoSample GetSample(int index, Random? random = null);
}
