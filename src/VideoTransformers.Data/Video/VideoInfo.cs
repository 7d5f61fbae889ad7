namespace VideoTransformers.Data.Video;

/// <summary>What <c>ffprobe</c> says about the video stream of a file.</summary>
/// <param name="FilePath">The file (full path).</param>
/// <param name="FrameCount">Number of frames: the video packets that hold a picture (DivX "frame skipped"
/// placeholders are not counted), which equals the decoded frame count on every real clip the tests cover.</param>
/// <param name="Fps">Average frame rate (0 when the container does not say).</param>
/// <param name="Width">Frame width in pixels.</param>
/// <param name="Height">Frame height in pixels.</param>
/// <param name="Duration">Stream duration.</param>
/// <param name="Codec">FFmpeg's name of the video codec, e.g. <c>h264</c> or <c>mpeg4</c>.</param>
public sealed record VideoInfo(string FilePath, int FrameCount, double Fps, int Width, int Height, TimeSpan Duration, string Codec);
