namespace VideoTransformers.Blocks;

/// <summary>
/// The hyper-parameters of a transformer block, shared by every transformer in the zoo: the configurations of
/// <see cref="Models.ViViTConfig">ViViT</see>, <see cref="Models.TimeSformerConfig">TimeSformer</see>,
/// <see cref="Models.FrameViTConfig">FrameViT</see> and <see cref="Models.ActionBertConfig">ActionBERT</see> derive
/// from it (so their JSON stays one flat object), and blocks and encoders take it directly.
/// </summary>
public record TransformerOptions
{
    /// <summary>Token (model) dimension D (virtual so that a configuration may store it under its own JSON name).</summary>
    public virtual long Dim { get; init; } = 192;
    /// <summary>Attention heads.</summary>
    public long Heads { get; init; } = 4;
    /// <summary>MLP hidden size.</summary>
    public long MlpDim { get; init; } = 768;
    /// <summary>Attention dimension (heads × head size); null means <see cref="Dim"/>.</summary>
    public long? AttnDim { get; init; }
    /// <summary>Bias in the Q/K/V projection.</summary>
    public bool QkvBias { get; init; } = true;
    /// <summary>Dropout after the attention projection and in the MLP.</summary>
    public double Dropout { get; init; }
    /// <summary>Dropout on attention weights.</summary>
    public double AttnDropout { get; init; }
    /// <summary>
    /// Stochastic-depth probability: of this block, or, in a model's configuration and an encoder's options, of the
    /// last block (the rate rises linearly to it, see <see cref="TransformerEncoder.DropPathRate"/>).
    /// </summary>
    public double DropPath { get; init; }
    /// <summary>LayerNorm epsilon.</summary>
    public double LayerNormEps { get; init; } = 1e-5;
    /// <summary>GELU form: "none" (exact) or "tanh" (approximate; HF ViViT's gelu_fast).</summary>
    public string Gelu { get; init; } = "none";

    /// <summary>These options alone, without the fields a derived model configuration adds.</summary>
    public TransformerOptions ToTransformerOptions() => new(this);
}
