namespace VideoTransformers.Data.Video;

/// <summary>A video could not be opened or decoded (corrupt, truncated, unsupported or unreadable).</summary>
public sealed class VideoDecodeException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    public VideoDecodeException(string filePath, string message, Exception? inner = null)
        : base(message, inner)
    {
        FilePath = filePath;
    }

    /// <summary>The video file that failed.</summary>
    public string FilePath { get; }
}
