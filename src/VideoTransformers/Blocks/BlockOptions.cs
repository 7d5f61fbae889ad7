namespace VideoTransformers.Blocks;

/// <summary>The hyper-parameters shared by every transformer block.</summary>
/// <param name="Dim">Token dimension D.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="MlpDim">MLP hidden size.</param>
/// <param name="AttnDim">Attention dimension (heads × head size); null means D.</param>
/// <param name="Dropout">Dropout after the attention projection and in the MLP.</param>
/// <param name="AttnDropout">Dropout on attention weights.</param>
/// <param name="DropPath">Stochastic-depth probability of this block.</param>
/// <param name="LayerNormEps">LayerNorm epsilon.</param>
/// <param name="Gelu">GELU form: "none" (exact) or "tanh".</param>
/// <param name="QkvBias">Bias in the Q/K/V projection.</param>
public sealed record BlockOptions(
    long Dim,
    long Heads,
    long MlpDim,
    long? AttnDim = null,
    double Dropout = 0,
    double AttnDropout = 0,
    double DropPath = 0,
    double LayerNormEps = 1e-5,
    string Gelu = "none",
    bool QkvBias = true);
