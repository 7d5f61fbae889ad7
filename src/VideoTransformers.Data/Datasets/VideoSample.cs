using VideoTransformers.Data.Video;

namespace VideoTransformers.Data.Datasets;

/// <summary>One raw dataset sample: frames as <c>[T, H, W, C]</c> bytes and a class label.</summary>
/// <param name="Frames">The frames.</param>
/// <param name="Label">Zero-based class index.</param>
public sealed record VideoSample(VideoFrames Frames, int Label);
