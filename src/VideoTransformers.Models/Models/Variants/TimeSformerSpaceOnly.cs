using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;

namespace VideoTransformers.Models;

/// <summary>
/// TimeSformer's space-only attention: every frame with its own copy of the CLS token attends within itself; the frames
/// are averaged at the end, so frame order does not matter. Parts: <c>blocks</c>, <c>norm</c> (no time embedding).
/// </summary>
public sealed class TimeSformerSpaceOnly : TimeSformerAttention
{
    private TimeSformerSpaceOnly() { }

    /// <summary>The scheme.</summary>
    public static TimeSformerSpaceOnly Instance { get; } = new();

    /// <inheritdoc />
    public override string Id => "SpaceOnly";
    /// <inheritdoc />
    public override string Name => "space-only";
    /// <inheritdoc />
    public override IReadOnlyList<string> Aliases => ["space_only"];
    /// <inheritdoc />
    public override string Description => "space only: attention within each frame, frames averaged at the end (ignores frame order)";

    /// <inheritdoc />
    public override TimeSformerEncoder Build(TimeSformerConfig config, ModelParts parts)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parts);
        var blocks = parts.Add("blocks", TransformerEncoder.Stack(config.ToTransformerOptions(), config.Layers, (o, _) => new TransformerBlock(o)));
        var norm = parts.Add("norm", nn.LayerNorm(config.Dim, config.LayerNormEps));
        return new Encoder(blocks, norm);
    }

    /// <inheritdoc />
    public override long EncoderFlops(TimeSformerConfig config, long frames, long patches)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Layers * Flops.Block(frames, patches + 1, config.Dim, config.Dim, config.MlpDim);
    }

    /// <inheritdoc />
    public override AttentionReadout AttentionMap(TimeSformerConfig config, long frames, (long h, long w) grid)
    {
        ArgumentNullException.ThrowIfNull(config);
        return AttentionReadout.OfMaps($"blocks.{config.Layers - 1}.attn", true, frames, grid.h, grid.w);
    }

    private sealed class Encoder(ModuleList<TransformerBlock> blocks, LayerNorm norm) : TimeSformerEncoder
    {
        public override Tensor Forward(Tensor frames, bool training)
        {
            using var scope = NewDisposeScope();
            var x = frames;                                                                        // [B, T, 1+S, D]
            foreach (var block in blocks) x = block.forward(x);
            return scope.MoveToOuter(norm.forward(x.mean(new long[] { 1 })).select(1, 0));
        }
    }
}
