namespace VideoTransformers.Data.Video;

/// <summary>
/// <c>ffmpeg</c> or <c>ffprobe</c> could not be started. Not an <see cref="IOException"/>: no video can be
/// decoded, so batch decoding must not skip it as one bad file.
/// </summary>
public sealed class FFmpegNotFoundException : InvalidOperationException
{
    /// <summary>Creates the exception for the program <paramref name="tool"/>.</summary>
    public FFmpegNotFoundException(string tool, Exception? inner = null)
        : base(BuildMessage(tool, inner), inner)
    {
        Tool = tool;
    }

    /// <summary>The program that could not be started.</summary>
    public string Tool { get; }

    private static string BuildMessage(string tool, Exception? inner) =>
        $"Cannot start '{tool}'{(inner is null ? "" : $" ({inner.Message})")}. Video decoding needs FFmpeg's ffmpeg and ffprobe on the PATH: " +
        "install FFmpeg with 'sudo apt install ffmpeg' (Debian/Ubuntu), 'winget install ffmpeg' (Windows) or 'brew install ffmpeg' (macOS), " +
        "or point FFmpegTools.FFmpeg / FFmpegTools.FFprobe (or the environment variables VT_FFMPEG / VT_FFPROBE) at the executables.";
}
