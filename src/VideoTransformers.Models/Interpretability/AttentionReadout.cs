using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Interpretability;

/// <summary>
/// How a model's attention map is read (<see cref="Models.VideoClassifier.AttentionReadoutFor"/>): the attention layer
/// whose weights are kept during one forward pass, the token grid of the clip, and how the kept weights
/// (<see cref="Blocks.SelfAttention.LastAttention"/>) become one value per token, [frames, height, width].
/// </summary>
/// <param name="Layer">The layer's module name, e.g. <c>encoder.blocks.5.attn</c>.</param>
/// <param name="Frames">Maps: frames or tubelet time steps.</param>
/// <param name="Height">Token rows.</param>
/// <param name="Width">Token columns.</param>
/// <param name="Reading">What the values are, e.g. "CLS row, mean over heads".</param>
/// <param name="PerToken">The kept weights → values with <paramref name="Frames"/>·<paramref name="Height"/>·<paramref name="Width"/> elements, frame-major.</param>
public sealed record AttentionReadout(string Layer, long Frames, long Height, long Width, string Reading, Func<Tensor, Tensor> PerToken)
{
    /// <summary>
    /// The reading of a multi-head self-attention layer's maps [..., heads, N, N]: with a CLS token (token 0), its row
    /// over the other tokens; without one, the mean attention each token receives; averaged over heads either way.
    /// </summary>
    public static AttentionReadout OfMaps(string layer, bool cls, long frames, long height, long width) =>
        new(layer, frames, height, width, cls ? "CLS row, mean over heads" : "mean attention received, mean over heads", maps =>
        {
            var mean = maps.mean(new[] { maps.dim() - 3 });                                     // [..., N, N]
            var n = mean.size(-1);
            return cls ? mean.select(-2, 0).narrow(-1, 1, n - 1) : mean.mean(new long[] { -2 });
        });
}
