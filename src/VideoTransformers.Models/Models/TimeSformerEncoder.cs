using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>The forward pass of a <see cref="TimeSformerAttention"/>'s parts: embedded patches in, the normalised CLS output out.</summary>
public abstract class TimeSformerEncoder
{
    /// <summary>
    /// Patches of every frame with the CLS token at position 0 of each frame, positions added, [B, T, 1+S, D] → [B, D].
    /// <paramref name="training"/> is the model's mode.
    /// </summary>
    public abstract Tensor Forward(Tensor frames, bool training);

    /// <summary>Dropout with probability <paramref name="p"/> in training, the identity otherwise.</summary>
    protected static Tensor Dropout(Tensor x, double p, bool training) => training && p > 0 ? FastDropout.dropout(x, p) : x;
}
