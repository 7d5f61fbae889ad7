using VideoTransformers.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>
/// The encoder of ViViT models 3 and 4: separate space and time embeddings, blocks over [B, T, S, D], a final
/// LayerNorm, and the mean over all tokens.
/// </summary>
internal sealed class FactorisedBlocksEncoder<TBlock>(ViViTConfig config, SpaceTimePositionalEmbedding pos, ModuleList<TBlock> blocks, LayerNorm norm)
    : ViViTEncoder where TBlock : nn.Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor tokens, (long t, long h, long w) grid, bool training)
    {
        using var scope = NewDisposeScope();
        var x = Dropout(pos.forward(tokens), config.Dropout, training);
        foreach (var block in blocks) x = block.forward(x);
        return scope.MoveToOuter(norm.forward(x).mean(new long[] { 1, 2 }));
    }
}
