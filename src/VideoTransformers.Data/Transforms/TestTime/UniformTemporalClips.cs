using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// <see cref="Clips"/> windows of <see cref="Frames"/> frames <see cref="Stride"/> apart, with starts spaced evenly
/// from the first to the last possible position (one clip takes the central window), for multi-view evaluation.
/// Videos shorter than a window give windows that repeat their last sampled frame, as
/// <see cref="RandomTemporalSampling"/> does.
/// </summary>
public sealed class UniformTemporalClips : MultiViewTransform
{
    /// <summary>Creates the transform.</summary>
    public UniformTemporalClips(int clips, int frames, int stride = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clips, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        Clips = clips;
        Frames = frames;
        Stride = stride;
    }

    /// <summary>Windows per video.</summary>
    public int Clips { get; }

    /// <summary>Frames per window.</summary>
    public int Frames { get; }

    /// <summary>Distance between sampled frames.</summary>
    public int Stride { get; }

    /// <summary>Source frames one window spans.</summary>
    public int Span => (Frames - 1) * Stride + 1;

    /// <inheritdoc />
    public override int ViewCount => Clips;

    /// <summary>The first source frame of each window in a video of <paramref name="length"/> frames.</summary>
    public int[] Starts(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        int room = Math.Max(0, length - Span);
        if (Clips == 1) return [room / 2];
        return Enumerable.Range(0, Clips).Select(i => (int)Math.Round((double)i * room / (Clips - 1), MidpointRounding.AwayFromZero)).ToArray();
    }

    /// <summary>The source frame indices of every window, in view order.</summary>
    public int[][] Indices(int length) =>
        Starts(length).Select(s => RandomTemporalSampling.WindowIndices(length, s, Frames, Stride)).ToArray();

    /// <inheritdoc />
    public override Tensor[] Apply(Tensor clip)
    {
        var shape = CheckClip(clip);
        return Indices((int)shape[0]).Select(idx => RandomTemporalSampling.Select(clip, idx)).ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => $"UniformTemporalClips({Clips} x {Frames} frames, stride {Stride})";
}
