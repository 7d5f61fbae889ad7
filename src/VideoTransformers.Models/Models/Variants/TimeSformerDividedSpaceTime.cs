using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;

namespace VideoTransformers.Models;

/// <summary>
/// TimeSformer's divided space-time attention: in every <see cref="DividedSpaceTimeBlock"/>, temporal attention at each
/// patch position, then spatial attention within each frame. Parts: <c>time_embed</c>, <c>blocks</c>, <c>norm</c>.
/// </summary>
public sealed class TimeSformerDividedSpaceTime : TimeSformerAttention
{
    private TimeSformerDividedSpaceTime() { }

    /// <summary>The scheme.</summary>
    public static TimeSformerDividedSpaceTime Instance { get; } = new();

    /// <inheritdoc />
    public override string Id => "DividedSpaceTime";
    /// <inheritdoc />
    public override string Name => "divided";
    /// <inheritdoc />
    public override IReadOnlyList<string> Aliases => ["divided_space_time"];
    /// <inheritdoc />
    public override string Description => "divided space-time: temporal attention at each position, then spatial attention within each frame";

    /// <inheritdoc />
    public override TimeSformerEncoder Build(TimeSformerConfig config, ModelParts parts)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parts);
        var time = parts.Add("time_embed", new LearnedPositionalEmbedding(config.Frames, config.Dim));
        var blocks = parts.Add("blocks", TransformerEncoder.Stack(config.ToTransformerOptions(), config.Layers, (o, _) => new DividedSpaceTimeBlock(o)));
        var norm = parts.Add("norm", nn.LayerNorm(config.Dim, config.LayerNormEps));
        return new Encoder(config, time, blocks, norm);
    }

    /// <inheritdoc />
    public override long EncoderFlops(TimeSformerConfig config, long frames, long patches)
    {
        ArgumentNullException.ThrowIfNull(config);
        long s = patches, t = frames, d = config.Dim, m = config.MlpDim;
        return config.Layers * (Flops.Attention(s, t, d, d) + Flops.Linear(s * t, d, d)
                                + Flops.Attention(t, s + 1, d, d) + Flops.Linear(t * s + 1, d, m) + Flops.Linear(t * s + 1, m, d));
    }

    /// <inheritdoc />
    public override AttentionReadout AttentionMap(TimeSformerConfig config, long frames, (long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        // The spatial attention of the last block attends within frames: [1, T, heads, 1+S, 1+S].
        return AttentionReadout.OfMaps($"blocks.{config.Layers - 1}.attn", true, frames, grid.h, grid.w);
    }

    private sealed class Encoder(TimeSformerConfig config, LearnedPositionalEmbedding time, ModuleList<DividedSpaceTimeBlock> blocks, LayerNorm norm)
        : TimeSformerEncoder
    {
        public override Tensor Forward(Tensor frames, bool training)
        {
            using var scope = NewDisposeScope();
            var n = frames.size(2) - 1;
            // split rather than narrow: the backward of a narrow zero-fills a gradient of the whole input.
            var parts = frames.split(new[] { 1L, n }, 2);
            var cls = parts[0].select(1, 0);                                                        // [B, 1, D]: frame 0's CLS
            var tokens = parts[1];                                                                  // [B, T, S, D]
            tokens = Dropout(time.forward(tokens.transpose(1, 2)).transpose(1, 2), config.Dropout, training);
            foreach (var block in blocks) (cls, tokens) = block.forward((cls, tokens));
            return scope.MoveToOuter(norm.forward(cls).select(1, 0));
        }
    }
}
