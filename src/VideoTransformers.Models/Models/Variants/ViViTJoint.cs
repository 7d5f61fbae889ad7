using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;

namespace VideoTransformers.Models;

/// <summary>
/// ViViT model 1 (Arnab et al. 2021, §3.3): every tubelet token attends to every other, with an optional CLS token.
/// Parts: <c>cls_token</c> (with CLS pooling), <c>pos_embed</c>, <c>encoder</c>.
/// </summary>
public sealed class ViViTJoint : ViViTVariant
{
    private ViViTJoint() { }

    /// <summary>The variant.</summary>
    public static ViViTJoint Instance { get; } = new();

    /// <inheritdoc />
    public override string Id => "Joint";
    /// <inheritdoc />
    public override string Name => "joint";
    /// <inheritdoc />
    public override string Description => "model 1: joint space-time attention, every tubelet token attends to all others";
    /// <inheritdoc />
    public override bool HasClsToken => true;

    /// <inheritdoc />
    public override ViViTEncoder Build(ViViTConfig config, (long t, long h, long w) grid, ModelParts parts)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parts);
        var prefix = config.Pooling == Pooling.Cls ? 1 : 0;
        var cls = prefix == 1 ? parts.Add("cls_token", Init.trunc_normal_parameter(0.02, 1, 1, config.Dim)) : null;
        var pos = parts.Add("pos_embed", new LearnedPositionalEmbedding(grid.t * grid.h * grid.w + prefix, config.Dim, prefix));
        var encoder = parts.Add("encoder", new TransformerEncoder(config.ToTransformerOptions(), config.Layers));
        return new Encoder(config, cls, pos, encoder);
    }

    /// <inheritdoc />
    public override long EncoderFlops(ViViTConfig config, (long t, long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        var p = config.Pooling == Pooling.Cls ? 1 : 0;
        return config.Layers * Flops.Block(1, grid.t * grid.h * grid.w + p, config.Dim, config.Dim, config.MlpDim);
    }

    /// <inheritdoc />
    public override AttentionReadout? AttentionMap(ViViTConfig config, (long t, long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        return AttentionReadout.OfMaps($"encoder.blocks.{config.Layers - 1}.attn", config.Pooling == Pooling.Cls, grid.t, grid.h, grid.w);
    }

    private sealed class Encoder(ViViTConfig config, ParameterHandle? cls, LearnedPositionalEmbedding pos, TransformerEncoder encoder) : ViViTEncoder
    {
        public override Tensor Forward(Tensor tokens, (long t, long h, long w) grid, bool training)
        {
            using var scope = NewDisposeScope();
            var s = tokens.shape;
            long b = s[0], d = config.Dim;
            var x = tokens.reshape(b, s[1] * s[2], d);
            if (cls is not null) x = cat(new[] { cls.Value.expand(b, 1, d), x }, 1);
            x = encoder.forward(Dropout(pos.forward(x), config.Dropout, training));
            return scope.MoveToOuter(cls is not null ? x.select(1, 0) : x.mean(new long[] { 1 }));
        }
    }
}
