namespace VideoTransformers.Zoo;

/// <summary>
/// What a dataset gives a model: clip length and classes, and either the frame size (video) or the feature size
/// (per-frame features). <see cref="ModelFamily.ForData"/> sizes a model to it.
/// </summary>
/// <param name="Frames">Frames (or feature vectors) per clip.</param>
/// <param name="Classes">Classes.</param>
/// <param name="Channels">Channels of a frame; null for features.</param>
/// <param name="Height">Frame height; null for features.</param>
/// <param name="Width">Frame width; null for features.</param>
/// <param name="FeatureDim">Per-frame feature size; null for video.</param>
public sealed record DataShape(long Frames, long Classes, long? Channels = null, long? Height = null, long? Width = null, long? FeatureDim = null)
{
    /// <summary>Clips of <paramref name="frames"/> frames of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>.</summary>
    public static DataShape Video(long frames, long channels, long height, long width, long classes) => new(frames, classes, channels, height, width);

    /// <summary>Sequences of <paramref name="frames"/> feature vectors of size <paramref name="featureDim"/>.</summary>
    public static DataShape Features(long frames, long featureDim, long classes) => new(frames, classes, FeatureDim: featureDim);

    /// <summary>True when the frame size is given.</summary>
    public bool IsVideo => Channels is not null && Height is not null && Width is not null;
}
