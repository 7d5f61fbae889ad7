namespace VideoTransformers.Data.Video;

/// <summary>
/// Where to find the <c>ffmpeg</c> and <c>ffprobe</c> programs that decode video, and how long a silent child
/// process may run before it counts as hung.
/// </summary>
/// <remarks>
/// Decoding runs FFmpeg's own command-line tools as child processes, so the library carries no native decoder:
/// any FFmpeg 5 or later on the PATH works (<c>apt install ffmpeg</c>, <c>winget install ffmpeg</c>,
/// <c>brew install ffmpeg</c>). The environment variables <c>VT_FFMPEG</c> and <c>VT_FFPROBE</c> choose other builds
/// for <see cref="Default"/>: a statically linked build starts in milliseconds where Debian's, which links 216 shared
/// libraries, takes about 0.13 s of CPU per run (see docs/performance.md).
/// </remarks>
public sealed record FFmpegTools
{
    /// <summary>
    /// The tools named by <c>VT_FFMPEG</c> and <c>VT_FFPROBE</c> when set, else those on the PATH, with a two-minute
    /// idle timeout. Read once, when first used.
    /// </summary>
    public static FFmpegTools Default { get; } = FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>The tools that <paramref name="getVariable"/>'s <c>VT_FFMPEG</c> and <c>VT_FFPROBE</c> name; PATH look-ups for those unset or blank.</summary>
    internal static FFmpegTools FromEnvironment(Func<string, string?> getVariable)
    {
        static string? Set(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
        var tools = new FFmpegTools();
        return tools with { FFmpeg = Set(getVariable("VT_FFMPEG")) ?? tools.FFmpeg, FFprobe = Set(getVariable("VT_FFPROBE")) ?? tools.FFprobe };
    }

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
