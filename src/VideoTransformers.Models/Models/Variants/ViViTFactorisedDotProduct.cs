using VideoTransformers.Blocks;
using TorchSharp;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;

namespace VideoTransformers.Models;

/// <summary>
/// ViViT model 4 (Arnab et al. 2021, §3.3): one Q/K/V projection per block, half of the heads attending over space and
/// half over time (<see cref="FactorisedDotProductAttention"/> inside a <see cref="TransformerBlock"/>). No CLS token;
/// mean pooling; no attention map (its heads see two different neighbourhoods). Parts: <c>pos_embed</c> (space + time),
/// <c>blocks</c>, <c>norm</c>.
/// </summary>
public sealed class ViViTFactorisedDotProduct : ViViTVariant
{
    private ViViTFactorisedDotProduct() { }

    /// <summary>The variant.</summary>
    public static ViViTFactorisedDotProduct Instance { get; } = new();

    /// <inheritdoc />
    public override string Id => "FactorisedDotProduct";
    /// <inheritdoc />
    public override string Name => "factorised-dot-product";
    /// <inheritdoc />
    public override IReadOnlyList<string> Aliases => ["factorized-dot-product"];
    /// <inheritdoc />
    public override string Description => "model 4: half of the heads attend over space, half over time, one projection (mean pooling)";
    /// <inheritdoc />
    public override bool HasClsToken => false;

    /// <inheritdoc />
    public override ViViTEncoder Build(ViViTConfig config, (long t, long h, long w) grid, ModelParts parts)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parts);
        var pos = parts.Add("pos_embed", new SpaceTimePositionalEmbedding(grid.t, grid.h * grid.w, config.Dim));
        var blocks = parts.Add("blocks", TransformerEncoder.Stack(config.ToTransformerOptions(), config.Layers, (o, _) =>
            new TransformerBlock(o, attention: b => new FactorisedDotProductAttention(b.Dim, b.Heads, b.AttnDim, b.AttnDropout, b.Dropout, b.QkvBias))));
        var norm = parts.Add("norm", torch.nn.LayerNorm(config.Dim, config.LayerNormEps));
        return new FactorisedBlocksEncoder<TransformerBlock>(config, pos, blocks, norm);
    }

    /// <inheritdoc />
    public override long EncoderFlops(ViViTConfig config, (long t, long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        long nt = grid.t, ns = grid.h * grid.w, d = config.Dim, m = config.MlpDim;
        return config.Layers * (Flops.Linear(nt * ns, d, 3 * d) + 2 * 2 * (nt * ns * ns * d / 2 + ns * nt * nt * d / 2)
                                + Flops.Linear(nt * ns, d, d) + Flops.Linear(nt * ns, d, m) + Flops.Linear(nt * ns, m, d));
    }
}
