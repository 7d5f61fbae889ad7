namespace VideoTransformers.Blocks;

/// <summary>How a model turns its tokens into one clip vector.</summary>
public enum Pooling
{
    /// <summary>The CLS token's output.</summary>
    Cls,
    /// <summary>The mean over tokens (global average pooling).</summary>
    Mean,
}
