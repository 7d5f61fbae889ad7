using VideoTransformers.Blocks;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>Configuration of <see cref="ActionBert"/> (the UCF101-features ActionBERT study).</summary>
public sealed record ActionBertConfig
{
    /// <summary>Per-frame feature size F (of the precomputed features, or of the CNN frame encoder).</summary>
    public long FeatureDim { get; init; } = 512;
    /// <summary>Maximum sequence length (frames).</summary>
    public long MaxLength { get; init; } = 32;
    /// <summary>Hidden size.</summary>
    public long Dim { get; init; } = 256;
    /// <summary>Heads.</summary>
    public long Heads { get; init; } = 4;
    /// <summary>Intermediate size.</summary>
    public long MlpDim { get; init; } = 1024;
    /// <summary>Encoder layers.</summary>
    public int Layers { get; init; } = 4;
    /// <summary>Classes.</summary>
    public long Classes { get; init; } = 101;
    /// <summary>Dropout (BERT's hidden_dropout_prob).</summary>
    public double Dropout { get; init; } = 0.1;
    /// <summary>Attention dropout.</summary>
    public double AttnDropout { get; init; } = 0.1;
    /// <summary>LayerNorm epsilon (BERT: 1e-12).</summary>
    public double LayerNormEps { get; init; } = 1e-12;
    /// <summary>When set, a <see cref="CnnFrameEncoder"/> trained end to end turns frames [B, T, C, H, W] into features.</summary>
    public FrameEncoderConfig? FrameEncoder { get; init; }

    /// <summary>ActionBERT over UCF101 clip features (the UCF101-features ActionBERT study): 512-d features, 32 frames, 4 layers of 256.</summary>
    public static ActionBertConfig Ucf101Features => new();
}
