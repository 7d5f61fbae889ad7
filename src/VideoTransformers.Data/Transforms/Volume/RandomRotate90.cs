using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// Turns a volume <c>[D, C, H, W]</c> by a random multiple of 90° (0, 90, 180 or 270, uniformly) in a plane drawn
/// uniformly from <see cref="Planes"/>. Exact (no interpolation): a flip and a transpose, like <c>torch.rot90</c>.
/// </summary>
/// <remarks>Both axes of every plane must have the same size, or batches would mix shapes; cubic volumes always qualify.</remarks>
public sealed class RandomRotate90 : ClipTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="planes">Planes to choose from; all three when null or empty.</param>
    public RandomRotate90(params VolumePlane[]? planes)
    {
        Planes = planes is { Length: > 0 } ? planes.Distinct().ToArray() : [VolumePlane.HeightWidth, VolumePlane.DepthHeight, VolumePlane.DepthWidth];
        foreach (var p in Planes)
            if (!Enum.IsDefined(p)) throw new ArgumentOutOfRangeException(nameof(planes), p, "Unknown plane.");
    }

    /// <summary>The planes a rotation may happen in.</summary>
    public IReadOnlyList<VolumePlane> Planes { get; }

    /// <summary>The plane and quarter turns one application uses (two draws from <paramref name="random"/>).</summary>
    public (VolumePlane Plane, int QuarterTurns) Draw(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var plane = Planes[random.Next(Planes.Count)];
        return (plane, random.Next(4));
    }

    /// <inheritdoc />
    public override Tensor Apply(Tensor clip, Random random)
    {
        CheckClip(clip);
        var (plane, k) = Draw(random);
        return Rotate(clip, plane, k);
    }

    /// <summary>
    /// Rotates <paramref name="volume"/> by <paramref name="quarterTurns"/> × 90° in <paramref name="plane"/>, from the
    /// plane's first axis towards its second, as <c>torch.rot90(x, k, dims)</c> does.
    /// </summary>
    /// <exception cref="ArgumentException">The plane's two axes differ in size.</exception>
    public static Tensor Rotate(Tensor volume, VolumePlane plane, int quarterTurns)
    {
        var shape = CheckClip(volume);
        var (a, b) = Axes(plane);
        if (shape[a] != shape[b])
            throw new ArgumentException($"A 90° rotation in the {plane} plane needs equal sizes along axes {a} and {b}; the volume is {Shapes.Format(shape)}.", nameof(volume));
        int k = ((quarterTurns % 4) + 4) % 4;
        using var scope = NewDisposeScope();
        var result = k switch
        {
            0 => volume,
            1 => volume.flip(b).transpose(a, b),
            2 => volume.flip(a, b),
            _ => volume.flip(a).transpose(a, b),
        };
        return ReferenceEquals(result, volume) ? volume : result.MoveToOuterDisposeScope();
    }

    /// <summary>The two axes of <c>[D, C, H, W]</c> that span <paramref name="plane"/>.</summary>
    public static (long First, long Second) Axes(VolumePlane plane) => plane switch
    {
        VolumePlane.HeightWidth => (2, 3),
        VolumePlane.DepthHeight => (0, 2),
        VolumePlane.DepthWidth => (0, 3),
        _ => throw new ArgumentOutOfRangeException(nameof(plane), plane, "Unknown plane."),
    };

    /// <inheritdoc />
    public override string ToString() => $"RandomRotate90({string.Join(", ", Planes)})";
}
