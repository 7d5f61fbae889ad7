namespace VideoTransformers.Data.Video;

/// <summary>One successfully decoded file of a batch.</summary>
/// <param name="Index">Position of the file in the input list.</param>
/// <param name="FilePath">The file.</param>
/// <param name="Frames">Its decoded frames.</param>
/// <param name="Fps">Its frame rate.</param>
public sealed record DecodedVideo(int Index, string FilePath, VideoFrames Frames, double Fps);
