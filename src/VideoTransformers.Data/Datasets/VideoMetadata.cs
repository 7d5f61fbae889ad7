namespace VideoTransformers.Data.Datasets;

/// <summary>Frame count and rate of one video, as <see cref="Video.VideoReader"/> reports them.</summary>
/// <param name="FrameCount">Number of frames.</param>
/// <param name="Fps">Frames per second.</param>
public sealed record VideoMetadata(int FrameCount, double Fps);
