using VideoTransformers.Blocks;

namespace VideoTransformers.Models;

/// <summary>
/// Configuration of <see cref="TimeSformer"/>: the <see cref="TransformerOptions"/> of its blocks (TimeSformer-Base's by
/// default: d_model 768, 12 heads, d_mlp 3072, LayerNorm eps 1e-6 as in facebookresearch and HF) and the clip, patches, layers and
/// head (8 frames of 224×224×3, 12 layers, 400 classes; an MLP head as in the UCF101 TimeSformer study when <see cref="VideoTransformerConfig.HeadHidden"/> is set).
/// </summary>
public sealed record TimeSformerConfig : VideoTransformerConfig
{
    /// <summary>Creates a configuration with TimeSformer-Base's defaults.</summary>
    public TimeSformerConfig()
    {
        Frames = 8;
        ImageHeight = 224;
        ImageWidth = 224;
        Channels = 3;
        Layers = 12;
        Classes = 400;
        Dim = 768;
        Heads = 12;
        MlpDim = 3072;
        LayerNormEps = 1e-6;
    }

    /// <summary>Attention scheme (one of <see cref="TimeSformerAttention.All"/>; specs store its id).</summary>
    public TimeSformerAttention Attention { get; init; } = TimeSformerAttention.DividedSpaceTime;
    /// <summary>Square patch size.</summary>
    public long PatchSize { get; init; } = 16;

    /// <summary>The UCF101 TimeSformer study: 224×224×3, 8 frames, patch 16, d_model 512, 4 heads, d_mlp 512, 2 layers, 101 classes, MLP head.</summary>
    public static TimeSformerConfig SeedUcf101 => new()
    {
        Frames = 8, ImageHeight = 224, ImageWidth = 224, Channels = 3, PatchSize = 16, Dim = 512, Heads = 4, MlpDim = 512, Layers = 2,
        Classes = 101, HeadHidden = 512,
    };

    /// <summary>TimeSformer-Base on Kinetics-400 (the published checkpoint's architecture).</summary>
    public static TimeSformerConfig BaseK400 => new();
}
