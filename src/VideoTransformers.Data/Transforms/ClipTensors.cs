using VideoTransformers.Data.Video;
using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>Conversions between decoded frames and the clip tensors that transforms work on.</summary>
public static class ClipTensors
{
    /// <summary>
    /// Frames <c>[T, H, W, C]</c> bytes as a contiguous float32 tensor <c>[T, C, H, W]</c> scaled to [0, 1].
    /// The result is registered in the current dispose scope.
    /// </summary>
    public static Tensor FromFrames(VideoFrames frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        frames.Validate();
        using var scope = NewDisposeScope();
        // from_array shares the managed bytes (pinned until the scope frees it); reordering them while still one byte
        // wide keeps the float work to one pass.
        var raw = from_array(frames.Data).view(frames.Frames, frames.Height, frames.Width, frames.Channels);
        var clip = raw.permute(0, 3, 1, 2).contiguous().to(float32).div_(255.0);
        return clip.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A float clip <c>[T, C, H, W]</c> in [0, 1] back to frames <c>[T, H, W, C]</c> bytes (rounded and clamped),
    /// e.g. to write an augmented clip out for inspection.
    /// </summary>
    public static VideoFrames ToFrames(Tensor clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var s = clip.shape;
        if (s.Length != 4) throw new ArgumentException($"A clip must be [T, C, H, W]; got {Shapes.Format(s)}.", nameof(clip));
        using var scope = NewDisposeScope();
        var frames = clip.mul(255.0).round().clamp(0, 255).to(uint8).permute(0, 2, 3, 1).contiguous().cpu();
        // Read through a flat view: TorchSharp cannot read the data of an empty multi-dimensional tensor (a zero-frame clip).
        var bytes = frames.reshape(-1).data<byte>().ToArray();
        return new VideoFrames(bytes, (int)s[0], (int)s[2], (int)s[3], (int)s[1]).Validate();
    }
}
