namespace VideoTransformers.Blocks;

/// <summary>What to do when the tubelet does not divide the clip.</summary>
public enum TubeletRemainder
{
    /// <summary>Throw a clear error (the default).</summary>
    Error,
    /// <summary>Drop the trailing frames/pixels, as a VALID convolution does (Keras ViViT example).</summary>
    Truncate,
    /// <summary>Zero-pad at the end up to the next multiple.</summary>
    Pad,
}
