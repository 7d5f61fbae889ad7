namespace VideoTransformers.Data.Sources;

/// <summary>
/// How <see cref="DataSources"/> assembles a dataset: batching, seeds, augmentation, splits and clip geometry. Training's
/// <c>DataOptionsExtensions.WithClipGeometry</c> fills the geometry from a model configuration.
/// </summary>
public sealed record DataOptions
{
    /// <summary>Batch size.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Data-pipeline seed (shuffling and augmentation).</summary>
    public int Seed { get; init; }
    /// <summary>Background loader workers.</summary>
    public int Workers { get; init; }
    /// <summary>Random augmentation of the training split.</summary>
    public bool Augment { get; init; } = true;
    /// <summary>KTH split: seed, schuldt, or custom:TRAIN/VAL/TEST with comma-separated person ids.</summary>
    public string KthSplit { get; init; } = "seed";
    /// <summary>KTH: every subsequence of 00sequences.txt is its own sample (about 4 per video) instead of one window per video.</summary>
    public bool KthSubsequences { get; init; }
    /// <summary>UCF101 fold (1–3).</summary>
    public int Fold { get; init; } = 1;
    /// <summary>Synthetic clips per class.</summary>
    public int SyntheticSamplesPerClass { get; init; } = 128;
    /// <summary>
    /// For multi-view evaluation: the test split returns clips this many times longer than the model input, from which
    /// the views are cut (1 = model-sized clips).
    /// </summary>
    public int ViewClips { get; init; } = 1;
    /// <summary>For multi-view evaluation with three crops: test frames keep a 4:3 aspect, wider than the model input.</summary>
    public bool ViewWide { get; init; }
    /// <summary>Source frames a clip is cut from (<c>max_frames</c>); null keeps the dataset's window.</summary>
    public int? ClipWindow { get; init; }
    /// <summary>Keep every n-th frame of the window (<c>slicing_step</c>); null keeps the dataset's stride.</summary>
    public int? ClipStride { get; init; }
    /// <summary>Frame height (<c>image_height</c>); null keeps the dataset's.</summary>
    public int? FrameHeight { get; init; }
    /// <summary>Frame width (<c>image_width</c>); null keeps the dataset's.</summary>
    public int? FrameWidth { get; init; }
    /// <summary>The folder of decoded-frame caches; null for <see cref="DataSources.CacheRoot"/>.</summary>
    public string? CacheRoot { get; init; }
    /// <summary>
    /// UCF101: decode every video of the fold once into a frame cache under <see cref="CacheRoot"/> and cut clips from it,
    /// instead of one <c>ffmpeg</c> run per clip. Costs disk: every frame at the clip size (about 90 GB for all of UCF101
    /// at 112×112). KTH always uses its cache, which is small.
    /// </summary>
    public bool Ucf101FrameCache { get; init; }

}
