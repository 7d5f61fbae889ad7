using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;

namespace VideoTransformers.Models;

/// <summary>
/// TimeSformer's joint space-time attention: one CLS token and every patch of every frame in one sequence.
/// Parts: <c>time_embed</c>, <c>blocks</c>, <c>norm</c>.
/// </summary>
public sealed class TimeSformerJointSpaceTime : TimeSformerAttention
{
    private TimeSformerJointSpaceTime() { }

    /// <summary>The scheme.</summary>
    public static TimeSformerJointSpaceTime Instance { get; } = new();

    /// <inheritdoc />
    public override string Id => "JointSpaceTime";
    /// <inheritdoc />
    public override string Name => "joint";
    /// <inheritdoc />
    public override IReadOnlyList<string> Aliases => ["joint_space_time"];
    /// <inheritdoc />
    public override string Description => "joint space-time: one attention over all patches of all frames";

    /// <inheritdoc />
    public override TimeSformerEncoder Build(TimeSformerConfig config, ModelParts parts)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parts);
        var time = parts.Add("time_embed", new LearnedPositionalEmbedding(config.Frames, config.Dim));
        var blocks = parts.Add("blocks", TransformerEncoder.Stack(config.ToTransformerOptions(), config.Layers, (o, _) => new TransformerBlock(o)));
        var norm = parts.Add("norm", nn.LayerNorm(config.Dim, config.LayerNormEps));
        return new Encoder(config, time, blocks, norm);
    }

    /// <inheritdoc />
    public override long EncoderFlops(TimeSformerConfig config, long frames, long patches)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Layers * Flops.Block(1, frames * patches + 1, config.Dim, config.Dim, config.MlpDim);
    }

    /// <inheritdoc />
    public override AttentionReadout AttentionMap(TimeSformerConfig config, long frames, (long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        // One sequence of 1 + T·S tokens ordered (t, s), so the CLS row reshapes to [T, S].
        return AttentionReadout.OfMaps($"blocks.{config.Layers - 1}.attn", true, frames, grid.h, grid.w);
    }

    private sealed class Encoder(TimeSformerConfig config, LearnedPositionalEmbedding time, ModuleList<TransformerBlock> blocks, LayerNorm norm)
        : TimeSformerEncoder
    {
        public override Tensor Forward(Tensor frames, bool training)
        {
            using var scope = NewDisposeScope();
            var s = frames.shape;
            long b = s[0], t = s[1], n = s[2] - 1, d = s[3];
            var cls = frames.select(1, 0).narrow(1, 0, 1);                                         // [B, 1, D]: frame 0's CLS
            var tokens = frames.narrow(2, 1, n);
            tokens = Dropout(time.forward(tokens.transpose(1, 2)).transpose(1, 2), config.Dropout, training);
            var all = cat(new[] { cls, tokens.reshape(b, t * n, d) }, 1);
            foreach (var block in blocks) all = block.forward(all);
            return scope.MoveToOuter(norm.forward(all.select(1, 0)));
        }
    }
}
