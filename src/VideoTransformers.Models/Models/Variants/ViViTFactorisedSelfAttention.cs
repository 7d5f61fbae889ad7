using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using TorchSharp;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;

namespace VideoTransformers.Models;

/// <summary>
/// ViViT model 3 (Arnab et al. 2021, §3.3): inside every block, self-attention among the tokens of a time step, then
/// among the tokens at a position. No CLS token; mean pooling. Parts: <c>pos_embed</c> (space + time), <c>blocks</c>
/// (<see cref="FactorisedSelfAttentionBlock"/>s), <c>norm</c>.
/// </summary>
public sealed class ViViTFactorisedSelfAttention : ViViTVariant
{
    private ViViTFactorisedSelfAttention() { }

    /// <summary>The variant.</summary>
    public static ViViTFactorisedSelfAttention Instance { get; } = new();

    /// <inheritdoc />
    public override string Id => "FactorisedSelfAttention";
    /// <inheritdoc />
    public override string Name => "factorised-self-attention";
    /// <inheritdoc />
    public override IReadOnlyList<string> Aliases => ["factorized-self-attention"];
    /// <inheritdoc />
    public override string Description => "model 3: spatial then temporal self-attention inside every block (mean pooling)";
    /// <inheritdoc />
    public override bool HasClsToken => false;

    /// <inheritdoc />
    public override ViViTEncoder Build(ViViTConfig config, (long t, long h, long w) grid, ModelParts parts)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parts);
        var pos = parts.Add("pos_embed", new SpaceTimePositionalEmbedding(grid.t, grid.h * grid.w, config.Dim));
        var blocks = parts.Add("blocks", TransformerEncoder.Stack(config.ToTransformerOptions(), config.Layers, (o, _) => new FactorisedSelfAttentionBlock(o)));
        var norm = parts.Add("norm", torch.nn.LayerNorm(config.Dim, config.LayerNormEps));
        return new FactorisedBlocksEncoder<FactorisedSelfAttentionBlock>(config, pos, blocks, norm);
    }

    /// <inheritdoc />
    public override long EncoderFlops(ViViTConfig config, (long t, long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        long nt = grid.t, ns = grid.h * grid.w, d = config.Dim, m = config.MlpDim;
        return config.Layers * (Flops.Attention(nt, ns, d, d) + Flops.Attention(ns, nt, d, d) + Flops.Linear(nt * ns, d, m) + Flops.Linear(nt * ns, m, d));
    }

    /// <inheritdoc />
    public override AttentionReadout? AttentionMap(ViViTConfig config, (long t, long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        return AttentionReadout.OfMaps($"blocks.{config.Layers - 1}.attn_s", false, grid.t, grid.h, grid.w);
    }
}
