using VideoTransformers.Blocks;

namespace VideoTransformers.Models;

/// <summary>Configuration of <see cref="ActionBert"/> (the UCF101-features ActionBERT study).</summary>
public sealed record ActionBertConfig : TransformerOptions
{
    /// <summary>
    /// Creates a configuration with BERT's block defaults at this size: hidden 256, 4 heads, intermediate 1024, dropout and
    /// attention dropout 0.1 (hidden_dropout_prob, attention_probs_dropout_prob), LayerNorm eps 1e-12.
    /// </summary>
    public ActionBertConfig()
    {
        Dim = 256;
        MlpDim = 1024;
        Dropout = 0.1;
        AttnDropout = 0.1;
        LayerNormEps = 1e-12;
    }

    /// <summary>Per-frame feature size F (of the precomputed features, or of the CNN frame encoder).</summary>
    public long FeatureDim { get; init; } = 512;
    /// <summary>Maximum sequence length (frames).</summary>
    public long MaxLength { get; init; } = 32;
    /// <summary>Encoder layers.</summary>
    public int Layers { get; init; } = 4;
    /// <summary>Classes.</summary>
    public long Classes { get; init; } = 101;
    /// <summary>When set, a <see cref="CnnFrameEncoder"/> trained end to end turns frames [B, T, C, H, W] into features.</summary>
    public FrameEncoderConfig? FrameEncoder { get; init; }

    /// <summary>ActionBERT over UCF101 clip features (the UCF101-features ActionBERT study): 512-d features, 32 frames, 4 layers of 256.</summary>
    public static ActionBertConfig Ucf101Features => new();
}
