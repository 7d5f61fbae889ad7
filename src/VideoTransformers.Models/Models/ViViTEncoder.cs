using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>
/// The forward pass of a <see cref="ViViTVariant"/>'s parts: tubelet tokens in, the clip's representation for the head
/// out. It holds the modules its variant registered on the model (which keep their identity when the model moves) and
/// reaches parameters through <see cref="ParameterHandle"/>s.
/// </summary>
public abstract class ViViTEncoder
{
    /// <summary>
    /// Tokens [B, t, h·w, D] of a clip whose token grid is <paramref name="grid"/> → [B, D]. <paramref name="training"/>
    /// is the model's mode.
    /// </summary>
    public abstract Tensor Forward(Tensor tokens, (long t, long h, long w) grid, bool training);

    /// <summary>Dropout with probability <paramref name="p"/> in training, the identity otherwise.</summary>
    protected static Tensor Dropout(Tensor x, double p, bool training) => training && p > 0 ? FastDropout.dropout(x, p) : x;
}
