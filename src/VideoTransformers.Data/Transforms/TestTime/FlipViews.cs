using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// Test-time augmentation for volumes [D, C, H, W] (or clips [T, C, H, W]): all 2³ = 8 combinations of flipping depth,
/// height and width. Meant for data without a preferred orientation (3-D medical volumes, whose training already uses
/// <see cref="RandomVolumeFlip"/>); not for video, where flipping time reverses the motion.
/// </summary>
public sealed class FlipViews : MultiViewTransform
{
    private static readonly long[][] Dims = { [], [0], [2], [3], [0, 2], [0, 3], [2, 3], [0, 2, 3] };

    /// <inheritdoc />
    public override int ViewCount => Dims.Length;

    /// <inheritdoc />
    public override Tensor[] Apply(Tensor clip)
    {
        if (clip.dim() != 4) throw new ArgumentException($"FlipViews expects [D, C, H, W], got {Shapes.Format(clip.shape)}.", nameof(clip));
        return Dims.Select(d => d.Length == 0 ? clip.alias() : clip.flip(d)).ToArray();
    }
}
