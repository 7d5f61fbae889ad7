using System.Text.Json.Serialization;
using VideoTransformers.Blocks;

namespace VideoTransformers.Models;

/// <summary>
/// Configuration of <see cref="FrameViT"/> (the KTH FrameViT study): a ViT over every frame, CLS outputs averaged over time.
/// The names follow the KTH FrameViT study's config dictionary; the blocks' <see cref="TransformerOptions"/> default to
/// dim 192, attention dim 192, 4 heads, MLP 768; clips of 10 frames (max_frames / slicing_step) of 64×64×1 (KTH's grayscale),
/// 6 layers (num_tf_layers), 6 classes (num_classes).
/// </summary>
public sealed record FrameViTConfig : VideoTransformerConfig
{
    /// <summary>Creates a configuration with the KTH FrameViT study's defaults.</summary>
    public FrameViTConfig()
    {
        AttnDim = 192;
        Frames = 10;
    }

    /// <summary>Token dimension (token_dim): <see cref="TransformerOptions.Dim"/> under the name model specs store it by.</summary>
    public long TokenDim { get => base.Dim; init => base.Dim = value; }
    /// <summary>Token dimension; in JSON it is <see cref="TokenDim"/>.</summary>
    [JsonIgnore]
    public override long Dim { get => base.Dim; init => base.Dim = value; }
    /// <summary>Square patch size.</summary>
    public long PatchSize { get; init; } = 16;

    /// <summary>The KTH FrameViT study's default: 64×64×1, 10 frames, patch 16, dim 192, 4 heads, MLP 768, 6 layers, 6 classes.</summary>
    public static FrameViTConfig KthDefault => new();
    /// <summary>Patch 8, dim 128, MLP 512, 4 layers.</summary>
    public static FrameViTConfig KthPatch8 => new() { PatchSize = 8, TokenDim = 128, AttnDim = 128, MlpDim = 512, Layers = 4 };
    /// <summary>Patch 32 (4 patches per frame).</summary>
    public static FrameViTConfig KthPatch32 => new() { PatchSize = 32 };
    /// <summary>Patch 64 (one patch per frame).</summary>
    public static FrameViTConfig KthPatch64 => new() { PatchSize = 64 };
}
