using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>Cuts a <c>height × width</c> window at a uniformly random position, the same for every frame (a view via <c>narrow</c>).</summary>
public sealed class RandomCrop : ClipTransform
{
    /// <summary>Creates the transform.</summary>
    public RandomCrop(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Height = height;
        Width = width;
    }

    /// <summary>Creates a square crop.</summary>
    public RandomCrop(int size) : this(size, size)
    {
    }

    /// <summary>Crop height.</summary>
    public int Height { get; }

    /// <summary>Crop width.</summary>
    public int Width { get; }

    /// <summary>Crops at a random offset (two draws from <paramref name="random"/>).</summary>
    /// <exception cref="ArgumentException">The frames are smaller than the crop.</exception>
    public override Tensor Apply(Tensor clip, Random random)
    {
        var shape = CheckClip(clip);
        ArgumentNullException.ThrowIfNull(random);
        CenterCrop.CheckFits(shape, Height, Width);
        int top = random.Next((int)shape[2] - Height + 1);
        int left = random.Next((int)shape[3] - Width + 1);
        return CenterCrop.Crop(clip, top, left, Height, Width);
    }

    /// <inheritdoc />
    public override string ToString() => $"RandomCrop({Height}x{Width})";
}
