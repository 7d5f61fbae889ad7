using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// A transform of one clip: a float tensor <c>[T, C, H, W]</c> (time, channel, row, column), or a volume
/// <c>[D, C, H, W]</c> whose depth stands in for time. Every random choice is drawn from the
/// <see cref="Random"/> passed in, which the data loader seeds per sample, so a run can be replayed exactly.
/// </summary>
/// <remarks>
/// A transform never disposes its input. Its result is either the input itself, a view of it, or a new tensor
/// registered in the caller's current dispose scope, so apply transforms inside <c>torch.NewDisposeScope()</c>.
/// Transforms hold no mutable state and may be shared by loader workers.
/// </remarks>
public abstract class ClipTransform
{
    /// <summary>Transforms <paramref name="clip"/>, drawing any randomness from <paramref name="random"/>.</summary>
    /// <param name="clip">A 4-D float tensor <c>[T, C, H, W]</c>.</param>
    /// <param name="random">The source of every random choice.</param>
    public abstract Tensor Apply(Tensor clip, Random random);

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="clip"/> is a 4-D floating-point tensor.</summary>
    /// <returns>The shape <c>[T, C, H, W]</c>.</returns>
    protected static long[] CheckClip(Tensor clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var shape = clip.shape;
        if (shape.Length != 4)
            throw new ArgumentException($"A clip must be a 4-D tensor [T, C, H, W]; got shape {Shapes.Format(shape)}.", nameof(clip));
        if (!is_floating_point(clip.dtype))
            throw new ArgumentException($"A clip must hold floating-point values; got {clip.dtype} (convert with ClipTensors.FromFrames).", nameof(clip));
        return shape;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="p"/> is a probability in [0, 1].</summary>
    /// <returns><paramref name="p"/>.</returns>
    protected static double CheckProbability(double p, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(p))] string? name = null) =>
        p is >= 0 and <= 1 ? p : throw new ArgumentOutOfRangeException(name, p, "A probability must be in [0, 1].");

    /// <summary>A short description, used in logs.</summary>
    public override string ToString() => GetType().Name;
}
