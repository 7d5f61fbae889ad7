namespace VideoTransformers.Data.Datasets;

/// <summary>A view of selected samples of another dataset.</summary>
public sealed class VideoDatasetSubset : IVideoDataset
{
    private readonly IVideoDataset _source;
    private readonly int[] _indices;

    /// <summary>Creates a view of <paramref name="source"/> holding the samples at <paramref name="indices"/>.</summary>
    public VideoDatasetSubset(IVideoDataset source, IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        _source = source;
        _indices = indices.ToArray();
        foreach (var i in _indices)
            if (i < 0 || i >= source.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {i} is outside the source dataset of {source.Count} samples.");
    }

    /// <summary>Indices into the source dataset.</summary>
    public IReadOnlyList<int> SourceIndices => _indices;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => _source.ClassNames;

    /// <inheritdoc />
    public int Count => _indices.Length;

    /// <inheritdoc />
    public int GetLabel(int index) => _source.GetLabel(_indices[index]);

    /// <inheritdoc />
    public VideoSample GetSample(int index, Random? random = null) => _source.GetSample(_indices[index], random);
}
