using VideoTransformers.Blocks;

namespace VideoTransformers.Models;

/// <summary>
/// What the configurations of the transformers over raw clips [B, T, C, H, W] (<see cref="ViViTConfig"/>,
/// <see cref="TimeSformerConfig"/>, <see cref="FrameViTConfig"/>) share beyond their blocks' <see cref="TransformerOptions"/>:
/// the clip's shape, the depth and the classification head. Each configuration sets its own defaults.
/// </summary>
public abstract record VideoTransformerConfig : TransformerOptions
{
    /// <summary>Frames per clip (a 3-D volume's depth).</summary>
    public long Frames { get; init; } = 16;
    /// <summary>Frame height.</summary>
    public long ImageHeight { get; init; } = 64;
    /// <summary>Frame width.</summary>
    public long ImageWidth { get; init; } = 64;
    /// <summary>Channels.</summary>
    public long Channels { get; init; } = 1;
    /// <summary>Transformer layers.</summary>
    public int Layers { get; init; } = 6;
    /// <summary>Classes.</summary>
    public long Classes { get; init; } = 6;
    /// <summary>Hidden size of an MLP head, or null for a linear head.</summary>
    public long? HeadHidden { get; init; }
}
