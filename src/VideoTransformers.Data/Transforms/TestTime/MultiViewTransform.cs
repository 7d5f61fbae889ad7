using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// A deterministic test-time transform that turns one clip <c>[T, C, H, W]</c> into a fixed number of views
/// (temporal clips or spatial crops) whose predictions an evaluator averages per video.
/// </summary>
/// <remarks>Views follow the same ownership rules as <see cref="ClipTransform.Apply"/>: views of the input or tensors in the current dispose scope.</remarks>
public abstract class MultiViewTransform
{
    /// <summary>Views produced per clip.</summary>
    public abstract int ViewCount { get; }

    /// <summary>The <see cref="ViewCount"/> views of <paramref name="clip"/>, in a fixed order.</summary>
    public abstract Tensor[] Apply(Tensor clip);

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="clip"/> is 4-D; returns its shape.</summary>
    protected static long[] CheckClip(Tensor clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var shape = clip.shape;
        if (shape.Length != 4)
            throw new ArgumentException($"A clip must be a 4-D tensor [T, C, H, W]; got shape {Shapes.Format(shape)}.", nameof(clip));
        return shape;
    }

    /// <inheritdoc />
    public override string ToString() => GetType().Name;
}
