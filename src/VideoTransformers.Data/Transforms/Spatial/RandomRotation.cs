using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// Rotates a clip about its centre by one angle drawn uniformly from [-<see cref="MaxDegrees"/>, +<see cref="MaxDegrees"/>]
/// (the KTH FrameViT study: 25°), the same angle for every frame so that motion is not distorted. Runs as
/// <c>affine_grid</c> + <c>grid_sample</c> (bilinear); pixels that come from outside the frame are filled as
/// <see cref="Padding"/> says.
/// </summary>
public sealed class RandomRotation : ClipTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="maxDegrees">Largest absolute angle, in degrees.</param>
    /// <param name="padding">How to fill the corners that rotate in from outside the frame.</param>
    public RandomRotation(double maxDegrees = 25, GridSamplePaddingMode padding = GridSamplePaddingMode.Zeros)
    {
        if (maxDegrees is < 0 or > 180 || double.IsNaN(maxDegrees))
            throw new ArgumentOutOfRangeException(nameof(maxDegrees), maxDegrees, "The maximum angle must be in [0, 180] degrees.");
        MaxDegrees = maxDegrees;
        Padding = padding;
    }

    /// <summary>Largest absolute angle, in degrees.</summary>
    public double MaxDegrees { get; }

    /// <summary>Fill of the regions outside the source frame.</summary>
    public GridSamplePaddingMode Padding { get; }

    /// <summary>The angle <see cref="Apply"/> uses for this state of <paramref name="random"/> (one draw).</summary>
    public double DrawAngle(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return (2 * random.NextDouble() - 1) * MaxDegrees;
    }

    /// <inheritdoc />
    public override Tensor Apply(Tensor clip, Random random)
    {
        CheckClip(clip);
        return Rotate(clip, DrawAngle(random), Padding);
    }

    /// <summary>
    /// Rotates every frame of <paramref name="clip"/> by <paramref name="degrees"/>; positive angles turn the content
    /// counter-clockwise as displayed (rows growing downwards), like <c>torchvision.transforms.functional.rotate</c>.
    /// Non-square frames are rotated in pixel space, not in the stretched [-1, 1] grid space.
    /// </summary>
    public static Tensor Rotate(Tensor clip, double degrees, GridSamplePaddingMode padding = GridSamplePaddingMode.Zeros)
    {
        var shape = CheckClip(clip);
        long t = shape[0], h = shape[2], w = shape[3];
        double rad = degrees * Math.PI / 180, cos = Math.Cos(rad), sin = Math.Sin(rad);
        // affine_grid maps output to input positions in coordinates normalised separately per axis; conjugating the
        // pixel-space rotation by the per-axis scale keeps angles true on non-square frames.
        double[] theta = [cos, -sin * h / w, 0, sin * w / h, cos, 0];
        using var scope = NewDisposeScope();
        var th = tensor(theta, [1, 2, 3]).to(clip.dtype, clip.device).repeat(t, 1, 1);
        var grid = nn.functional.affine_grid(th, shape, align_corners: false);
        var rotated = nn.functional.grid_sample(clip, grid, GridSampleMode.Bilinear, padding, align_corners: false);
        return rotated.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override string ToString() => $"RandomRotation(±{MaxDegrees}°)";
}
