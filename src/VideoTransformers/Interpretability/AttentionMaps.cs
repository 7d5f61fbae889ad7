using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Interpretability;

/// <summary>
/// Reads where a model looks: the last spatial attention layer's weights from the CLS token to every patch (averaged over
/// heads), or, for models without a CLS token, the mean attention each patch receives. Supported: FrameViT, ViViT
/// (joint, factorised encoder, factorised self-attention) and TimeSformer (all three attention types).
/// </summary>
public static class AttentionMaps
{
    /// <summary>True when <see cref="Compute"/> supports the model.</summary>
    public static bool Supports(VideoClassifier model) => model switch
    {
        FrameViT or TimeSformer => true,
        ViViT v => v.Config.Variant != ViViTVariant.FactorisedDotProduct,
        _ => false,
    };

    /// <summary>Runs the model on one clip [1, T, C, H, W] (eval mode, no gradients) and returns its attention map.</summary>
    public static AttentionMap Compute(VideoClassifier model, Tensor clip)
    {
        if (!Supports(model)) throw new NotSupportedException($"Attention maps are not available for {model.GetName()}.");
        var s = clip.shape;
        if (s.Length != 5 || s[0] != 1) throw new ArgumentException($"AttentionMaps expected one clip [1, T, C, H, W], got {Shapes.Format(s)}.");
        var (layerName, hasCls, frames, gh, gw) = Layout(model, s);
        var layer = (MultiHeadSelfAttention)model.named_modules().Single(m => m.name == layerName).module;
        var wasTraining = model.training;
        model.eval();
        layer.KeepAttention = true;
        try
        {
            using var scope = NewDisposeScope();
            using (no_grad()) model.forward(clip);
            var maps = layer.LastAttention ?? throw new InvalidOperationException($"{layerName} kept no attention.");
            // Leading dims [1, (frames)], then [heads, N, N]; average the heads.
            var mean = maps.mean(new[] { maps.dim() - 3 });                                      // [..., N, N]
            var n = mean.size(-1);
            Tensor perToken = hasCls ? mean.select(-2, 0).narrow(-1, 1, n - 1)         // CLS row, patches only
                                     : mean.mean(new long[] { -2 });                                   // attention received
            var values = perToken.contiguous().reshape(-1).data<float>().ToArray();
            if (values.Length != frames * gh * gw)
                throw new InvalidOperationException($"Attention of {layerName} has {values.Length} values, expected {frames}×{gh}×{gw}.");
            return new AttentionMap(values, (int)frames, (int)gh, (int)gw, $"{layerName}, {(hasCls ? "CLS row" : "mean attention received")}, mean over heads");
        }
        finally
        {
            layer.KeepAttention = false;
            model.train(wasTraining);
        }
    }

    private static (string layer, bool cls, long frames, long gh, long gw) Layout(VideoClassifier model, long[] s)
    {
        switch (model)
        {
            case FrameViT f:
            {
                var c = f.Config;
                return ($"encoder.blocks.{c.Layers - 1}.attn", true, s[1], s[3] / c.PatchSize, s[4] / c.PatchSize);
            }
            case ViViT v:
            {
                var c = v.Config;
                var (nt, nh, nw) = v.Tubelet.Grid(s[1], s[3], s[4]);
                var cls = c.Pooling == Pooling.Cls;
                return c.Variant switch
                {
                    ViViTVariant.Joint => ($"encoder.blocks.{c.Layers - 1}.attn", cls, nt, nh, nw),
                    ViViTVariant.FactorisedEncoder => ($"spatial.blocks.{c.Layers - 1}.attn", cls, nt, nh, nw),
                    _ => ($"blocks.{c.Layers - 1}.attn_s", false, nt, nh, nw),
                };
            }
            case TimeSformer t:
            {
                var c = t.Config;
                long gh = s[3] / c.PatchSize, gw = s[4] / c.PatchSize;
                // Divided and space-only attend within frames ([1, T, heads, 1+S, 1+S]); joint attends over 1+T·S tokens
                // ordered (t, s), so its CLS row reshapes to [T, S] as well.
                return ($"blocks.{c.Layers - 1}.attn", true, s[1], gh, gw);
            }
            default:
                throw new NotSupportedException($"Attention maps are not available for {model.GetName()}.");
        }
    }
}
