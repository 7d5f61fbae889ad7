using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// Resizes every frame with bilinear interpolation (<c>interpolate</c>, <c>align_corners=false</c>), either to a
/// fixed <c>height × width</c> or so that the shorter side becomes a given length, keeping the aspect ratio.
/// </summary>
public sealed class Resize : ClipTransform
{
    /// <summary>Resizes to exactly <paramref name="height"/> × <paramref name="width"/>.</summary>
    public Resize(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Height = height;
        Width = width;
    }

    /// <summary>Resizes so that the shorter side is <paramref name="shortSide"/> pixels, keeping the aspect ratio.</summary>
    public Resize(int shortSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shortSide, 1);
        ShortSide = shortSide;
    }

    /// <summary>Output height, or 0 in short-side mode.</summary>
    public int Height { get; }

    /// <summary>Output width, or 0 in short-side mode.</summary>
    public int Width { get; }

    /// <summary>Length of the shorter output side, or 0 in fixed-size mode.</summary>
    public int ShortSide { get; }

    /// <summary>The output size of an <paramref name="height"/> × <paramref name="width"/> frame.</summary>
    public (int Height, int Width) OutputSize(int height, int width)
    {
        if (ShortSide == 0) return (Height, Width);
        // Rounding the long side (rather than truncating) matches torchvision for ratios like 240:320.
        return height <= width
            ? (ShortSide, (int)Math.Round((double)width * ShortSide / height))
            : ((int)Math.Round((double)height * ShortSide / width), ShortSide);
    }

    /// <summary>Resizes; the random source is not used.</summary>
    public override Tensor Apply(Tensor clip, Random random)
    {
        var shape = CheckClip(clip);
        var (h, w) = OutputSize((int)shape[2], (int)shape[3]);
        if (h == shape[2] && w == shape[3]) return clip;
        return nn.functional.interpolate(clip, size: [h, w], mode: InterpolationMode.Bilinear, align_corners: false);
    }

    /// <inheritdoc />
    public override string ToString() => ShortSide > 0 ? $"Resize(short side {ShortSide})" : $"Resize({Height}x{Width})";
}
