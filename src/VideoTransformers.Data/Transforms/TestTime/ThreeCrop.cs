using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// Three square <see cref="Size"/>-pixel crops spread along the longer side of the frame: left, centre and right for
/// landscape frames, top, centre and bottom for portrait ones, centred across the shorter side (the 3-crop
/// testing of SlowFast and ViViT, usually after resizing the shorter side to <see cref="Size"/>).
/// </summary>
public sealed class ThreeCrop : MultiViewTransform
{
    /// <summary>Creates the transform.</summary>
    public ThreeCrop(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
    }

    /// <summary>Side of each square crop.</summary>
    public int Size { get; }

    /// <inheritdoc />
    public override int ViewCount => 3;

    /// <summary>The (top, left) corners of the three crops for an <paramref name="height"/> × <paramref name="width"/> frame.</summary>
    /// <exception cref="ArgumentException">The shorter side is below <see cref="Size"/>.</exception>
    public (int Top, int Left)[] Offsets(int height, int width)
    {
        if (height < Size || width < Size)
            throw new ArgumentException($"Cannot take {Size}x{Size} crops from frames of {height}x{width}; resize the shorter side to at least {Size} first.");
        if (width >= height)
        {
            int top = (height - Size) / 2, last = width - Size;
            return [(top, 0), (top, last / 2), (top, last)];
        }
        else
        {
            int left = (width - Size) / 2, last = height - Size;
            return [(0, left), (last / 2, left), (last, left)];
        }
    }

    /// <inheritdoc />
    public override Tensor[] Apply(Tensor clip)
    {
        var shape = CheckClip(clip);
        return Offsets((int)shape[2], (int)shape[3]).Select(o => CenterCrop.Crop(clip, o.Top, o.Left, Size, Size)).ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => $"ThreeCrop({Size})";
}
