using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>Cuts the central <c>height × width</c> window of every frame (a view via <c>narrow</c>).</summary>
public sealed class CenterCrop : ClipTransform
{
    /// <summary>Creates the transform.</summary>
    public CenterCrop(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Height = height;
        Width = width;
    }

    /// <summary>Creates a square crop.</summary>
    public CenterCrop(int size) : this(size, size)
    {
    }

    /// <summary>Crop height.</summary>
    public int Height { get; }

    /// <summary>Crop width.</summary>
    public int Width { get; }

    /// <summary>Crops the centre; the random source is not used.</summary>
    /// <exception cref="ArgumentException">The frames are smaller than the crop.</exception>
    public override Tensor Apply(Tensor clip, Random random)
    {
        var shape = CheckClip(clip);
        CheckFits(shape, Height, Width);
        // Half-to-even rounding of odd margins, like Python's round in torchvision's center_crop, keeps crops identical to it.
        int top = (int)Math.Round((shape[2] - Height) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((shape[3] - Width) / 2.0, MidpointRounding.ToEven);
        return Crop(clip, top, left, Height, Width);
    }

    /// <summary>The window of <paramref name="clip"/> <c>[T, C, H, W]</c> at (<paramref name="top"/>, <paramref name="left"/>), as a view.</summary>
    public static Tensor Crop(Tensor clip, int top, int left, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(clip);
        using var scope = NewDisposeScope();
        return clip.narrow(2, top, height).narrow(3, left, width).MoveToOuterDisposeScope();
    }

    internal static void CheckFits(long[] shape, int height, int width)
    {
        if (shape[2] < height || shape[3] < width)
            throw new ArgumentException($"Cannot crop {height}x{width} from frames of {shape[2]}x{shape[3]}; resize first.");
    }

    /// <inheritdoc />
    public override string ToString() => $"CenterCrop({Height}x{Width})";
}
