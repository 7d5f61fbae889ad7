namespace VideoTransformers.Data.Video;

/// <summary>
/// Where to find the <c>ffmpeg</c> and <c>ffprobe</c> programs that decode video, and how long a silent child
/// process may run before it counts as hung.
/// </summary>
/// <remarks>
/// Decoding runs FFmpeg's own command-line tools as child processes, so the library carries no native decoder:
/// any FFmpeg 5 or later on the PATH works (<c>apt install ffmpeg</c>, <c>winget install ffmpeg</c>,
/// <c>brew install ffmpeg</c>).
/// </remarks>
public sealed record FFmpegTools
{
    /// <summary>The tools found on the PATH, with a two-minute idle timeout.</summary>
    public static FFmpegTools Default { get; } = new();

    /// <summary>The <c>ffmpeg</c> executable: a name looked up on the PATH, or a full path.</summary>
    public string FFmpeg { get; init; } = "ffmpeg";

    /// <summary>The <c>ffprobe</c> executable: a name looked up on the PATH, or a full path.</summary>
    public string FFprobe { get; init; } = "ffprobe";

    /// <summary>
    /// A child that writes nothing to its output for this long is killed (with its whole process tree) and the
    /// call fails with <see cref="VideoDecodeException"/>.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
