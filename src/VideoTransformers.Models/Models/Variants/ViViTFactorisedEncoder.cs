using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;

namespace VideoTransformers.Models;

/// <summary>
/// ViViT model 2 (Arnab et al. 2021, §3.3): a spatial encoder over the tokens of each time step, then a temporal
/// encoder over one token per time step (their CLS tokens, or their means). Parts: <c>cls_token</c> and
/// <c>temporal_token</c> (with CLS pooling), <c>pos_embed</c>, <c>spatial</c>, <c>temporal_pos_embed</c>, <c>temporal</c>.
/// </summary>
public sealed class ViViTFactorisedEncoder : ViViTVariant
{
    private ViViTFactorisedEncoder() { }

    /// <summary>The variant.</summary>
    public static ViViTFactorisedEncoder Instance { get; } = new();

    /// <inheritdoc />
    public override string Id => "FactorisedEncoder";
    /// <inheritdoc />
    public override string Name => "factorised-encoder";
    /// <inheritdoc />
    public override IReadOnlyList<string> Aliases => ["factorized-encoder"];
    /// <inheritdoc />
    public override string Description => "model 2: a spatial encoder per time step, then a temporal encoder over the time steps";
    /// <inheritdoc />
    public override bool HasClsToken => true;

    /// <inheritdoc />
    public override ViViTEncoder Build(ViViTConfig config, (long t, long h, long w) grid, ModelParts parts)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parts);
        var prefix = config.Pooling == Pooling.Cls ? 1 : 0;
        ParameterHandle? cls = null, temporalToken = null;
        if (prefix == 1)
        {
            cls = parts.Add("cls_token", Init.trunc_normal_parameter(0.02, 1, 1, 1, config.Dim));
            temporalToken = parts.Add("temporal_token", Init.trunc_normal_parameter(0.02, 1, 1, config.Dim));
        }
        var o = config.ToTransformerOptions();
        var pos = parts.Add("pos_embed", new LearnedPositionalEmbedding(grid.h * grid.w + prefix, config.Dim, prefix, (grid.h, grid.w)));
        var spatial = parts.Add("spatial", new TransformerEncoder(o, config.Layers));
        var temporalPos = parts.Add("temporal_pos_embed", new LearnedPositionalEmbedding(grid.t + prefix, config.Dim, prefix));
        var temporal = parts.Add("temporal", new TransformerEncoder(o, config.TemporalLayers));
        return new Encoder(config, cls, temporalToken, pos, spatial, temporalPos, temporal);
    }

    /// <inheritdoc />
    public override long EncoderFlops(ViViTConfig config, (long t, long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        long p = config.Pooling == Pooling.Cls ? 1 : 0, d = config.Dim, m = config.MlpDim;
        return config.Layers * Flops.Block(grid.t, grid.h * grid.w + p, d, d, m) + config.TemporalLayers * Flops.Block(1, grid.t + p, d, d, m);
    }

    /// <inheritdoc />
    public override AttentionReadout? AttentionMap(ViViTConfig config, (long t, long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        return AttentionReadout.OfMaps($"spatial.blocks.{config.Layers - 1}.attn", config.Pooling == Pooling.Cls, grid.t, grid.h, grid.w);
    }

    private sealed class Encoder(ViViTConfig config, ParameterHandle? cls, ParameterHandle? temporalToken, LearnedPositionalEmbedding pos,
        TransformerEncoder spatial, LearnedPositionalEmbedding temporalPos, TransformerEncoder temporal) : ViViTEncoder
    {
        public override Tensor Forward(Tensor tokens, (long t, long h, long w) grid, bool training)
        {
            using var scope = NewDisposeScope();
            var s = tokens.shape;
            long b = s[0], nt = s[1], d = config.Dim;
            var x = tokens;
            if (cls is not null) x = cat(new[] { cls.Value.expand(b, nt, 1, d), x }, 2);
            x = spatial.forward(Dropout(pos.forward(x, (grid.h, grid.w)), config.Dropout, training));  // [B, nt, ns(+1), D]
            var frames = cls is not null ? x.select(2, 0) : x.mean(new long[] { 2 });                   // [B, nt, D]
            if (temporalToken is not null) frames = cat(new[] { temporalToken.Value.expand(b, 1, d), frames }, 1);
            frames = temporal.forward(temporalPos.forward(frames));
            return scope.MoveToOuter(temporalToken is not null ? frames.select(1, 0) : frames.mean(new long[] { 1 }));
        }
    }
}
