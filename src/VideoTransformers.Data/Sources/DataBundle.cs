using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Loading;

namespace VideoTransformers.Data.Sources;

/// <summary>A dataset's train/validation/test batch sources and the facts a model needs.</summary>
public sealed class DataBundle : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    /// <summary>Dataset name.</summary>
    public required string Name { get; init; }
    /// <summary>Class names.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }
    /// <summary>One sample's shape [T, C, H, W].</summary>
    public required long[] SampleShape { get; init; }
    /// <summary>Training batches.</summary>
    public required IBatchSource Train { get; init; }
    /// <summary>Validation batches (model selection), or null.</summary>
    public IBatchSource? Validation { get; init; }
    /// <summary>Test batches, or null.</summary>
    public IBatchSource? Test { get; init; }
    /// <summary>The raw test split (for multi-view evaluation and attention samples).</summary>
    public IVideoDataset? TestDataset { get; init; }
    /// <summary>The raw validation split (for test-time augmentation on validation), or null.</summary>
    public IVideoDataset? ValidationDataset { get; init; }

    internal T Own<T>(T d) where T : IDisposable
    {
        _owned.Add(d);
        return d;
    }

    /// <summary>Frees the loaders.</summary>
    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }
}
