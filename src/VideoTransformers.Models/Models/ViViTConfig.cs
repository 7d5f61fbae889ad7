using VideoTransformers.Blocks;

namespace VideoTransformers.Models;

/// <summary>
/// Configuration of <see cref="ViViT"/>: the <see cref="TransformerOptions"/> of its blocks (dim 192, 4 heads, MLP 768 by
/// default), the clip (16 frames of 64×64×1), the tubelets, windows, 6 layers (the spatial encoder's, for the factorised
/// encoder) and the head. Input clips are [B, T, C, H, W]; a 3-D volume is a clip whose T is its depth.
/// </summary>
public sealed record ViViTConfig : VideoTransformerConfig
{
    /// <summary>Attention variant (one of <see cref="ViViTVariant.All"/>; specs store its id).</summary>
    public ViViTVariant Variant { get; init; } = ViViTVariant.Joint;
    /// <summary>Tubelet depth t.</summary>
    public long TubeletT { get; init; } = 2;
    /// <summary>Tubelet height h.</summary>
    public long TubeletH { get; init; } = 16;
    /// <summary>Tubelet width w.</summary>
    public long TubeletW { get; init; } = 16;
    /// <summary>Attention window depth in tokens (window-attention variants; Video Swin's default window is 2×7×7).</summary>
    public long WindowT { get; init; } = 2;
    /// <summary>Attention window height in tokens (window-attention variants).</summary>
    public long WindowH { get; init; } = 7;
    /// <summary>Attention window width in tokens (window-attention variants).</summary>
    public long WindowW { get; init; } = 7;
    /// <summary>What to do when the tubelet does not divide the clip.</summary>
    public TubeletRemainder Remainder { get; init; } = TubeletRemainder.Error;
    /// <summary>Temporal encoder layers (factorised encoder only).</summary>
    public int TemporalLayers { get; init; } = 2;
    /// <summary>CLS token or global average pooling (models 3 and 4 use mean pooling).</summary>
    public Pooling Pooling { get; init; } = Pooling.Cls;

    /// <summary>
    /// The Keras ViViT example on OrganMNIST3D: 28×28×28×1, tubelet 8×8×8 (VALID: 3×3×3 tokens),
    /// dim 128, 8 heads, 8 layers, LayerNorm eps 1e-6, MLP 4×dim, global average pooling, 11 classes.
    /// </summary>
    public static ViViTConfig KerasOrganMnist3D => new()
    {
        Variant = ViViTVariant.Joint, Frames = 28, ImageHeight = 28, ImageWidth = 28, Channels = 1,
        TubeletT = 8, TubeletH = 8, TubeletW = 8, Remainder = TubeletRemainder.Truncate,
        Dim = 128, Heads = 8, MlpDim = 512, Layers = 8, Classes = 11, Pooling = Pooling.Mean, LayerNormEps = 1e-6,
    };

    /// <summary>
    /// A small shifted-window (Video Swin) model for 64×64 grayscale clips of 16 frames: tubelets 2×8×8 (8×8×8 tokens),
    /// windows of 4×4×4 tokens shifted by 2, dim 128, 4 heads, MLP 256, 4 layers, mean pooling.
    /// </summary>
    public static ViViTConfig SmallShiftedWindow => new()
    {
        Variant = ViViTShiftedWindow.Instance, Frames = 16, ImageHeight = 64, ImageWidth = 64, TubeletT = 2, TubeletH = 8, TubeletW = 8,
        WindowT = 4, WindowH = 4, WindowW = 4, Dim = 128, Heads = 4, MlpDim = 256, Layers = 4, Pooling = Pooling.Mean,
    };

    /// <summary>The configuration as a small factorised-encoder model for 64×64 grayscale clips of 16 frames.</summary>
    public static ViViTConfig SmallFactorisedEncoder => new()
    {
        Variant = ViViTVariant.FactorisedEncoder, Frames = 16, ImageHeight = 64, ImageWidth = 64, TubeletT = 2, TubeletH = 16, TubeletW = 16,
        Dim = 128, Heads = 4, MlpDim = 256, Layers = 4, TemporalLayers = 2,
    };
}
