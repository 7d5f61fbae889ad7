using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// Takes <see cref="Frames"/> frames <see cref="Stride"/> apart from a window at a uniformly random start in a longer
/// clip. A clip shorter than the window <c>(Frames - 1) · Stride + 1</c> starts at 0 and repeats its last sampled
/// frame, so the output always has <see cref="Frames"/> frames (as <see cref="Datasets.KthSamplingOptions"/> pads).
/// </summary>
public sealed class RandomTemporalSampling : ClipTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="frames">Frames in the output.</param>
    /// <param name="stride">Distance between sampled frames.</param>
    public RandomTemporalSampling(int frames, int stride = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        Frames = frames;
        Stride = stride;
    }

    /// <summary>Frames in the output.</summary>
    public int Frames { get; }

    /// <summary>Distance between sampled frames.</summary>
    public int Stride { get; }

    /// <summary>Source frames one output spans: <c>(Frames - 1) · Stride + 1</c>.</summary>
    public int Span => (Frames - 1) * Stride + 1;

    /// <summary>The source frame indices for a clip of <paramref name="length"/> frames (one draw from <paramref name="random"/>).</summary>
    public int[] DrawIndices(int length, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentNullException.ThrowIfNull(random);
        int start = random.Next(Math.Max(0, length - Span) + 1);
        return WindowIndices(length, start, Frames, Stride);
    }

    /// <summary>Samples a random window.</summary>
    public override Tensor Apply(Tensor clip, Random random)
    {
        var shape = CheckClip(clip);
        return Select(clip, DrawIndices((int)shape[0], random));
    }

    /// <summary>
    /// Indices <c>start + k · stride</c> for k &lt; <paramref name="frames"/>, each clamped to the last frame reachable
    /// with that stride inside <paramref name="length"/> frames.
    /// </summary>
    internal static int[] WindowIndices(int length, int start, int frames, int stride)
    {
        int lastReal = start + (length - 1 - start) / stride * stride;
        var idx = new int[frames];
        for (int k = 0; k < frames; k++) idx[k] = Math.Min(start + k * stride, lastReal);
        return idx;
    }

    /// <summary>The frames of <paramref name="clip"/> at <paramref name="indices"/> (a strided view when they are evenly spaced).</summary>
    internal static Tensor Select(Tensor clip, int[] indices)
    {
        using var scope = NewDisposeScope();
        int step = indices.Length > 1 ? indices[1] - indices[0] : 1;
        bool even = step > 0;
        for (int k = 1; k < indices.Length && even; k++) even = indices[k] - indices[k - 1] == step;
        var result = even
            ? clip.slice(0, indices[0], indices[^1] + 1, step)
            : clip.index_select(0, tensor(indices.Select(i => (long)i).ToArray()).to(clip.device));
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override string ToString() => $"RandomTemporalSampling({Frames} frames, stride {Stride})";
}
