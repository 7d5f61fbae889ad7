using System.Globalization;
using System.Text.Json;

namespace VideoTransformers.Data.Video;

/// <summary>
/// Reads a file's video metadata with one <c>ffprobe</c> run that lists the video stream's packets without
/// decoding them (demuxing only, so it costs a fraction of a decode).
/// </summary>
/// <remarks>
/// The frame count is the number of video packets that carry a picture. DivX/Xvid AVI files (HMDB51) hold
/// 1-byte "frame skipped" placeholder packets that the MPEG-4 decoder never turns into a picture, so
/// <c>ffprobe -count_packets</c> overstates such a clip by one per placeholder while <c>-count_frames</c>
/// (a full decode) does not; skipping packets of at most one byte gives the decoded count without decoding.
/// The listing doubles as the truncation check: a cut file cannot deliver the frames its header declares.
/// </remarks>
internal static class VideoProbe
{
    private static readonly string[] Entries =
        ["-show_entries", "stream=codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames,duration:format=duration:packet=size"];

    /// <summary>Probes <paramref name="path"/> (a full path of an existing file).</summary>
    /// <exception cref="VideoDecodeException">ffprobe rejects the file, it has no video stream, or it is truncated.</exception>
    public static VideoInfo Probe(string path, FFmpegTools tools, CancellationToken cancellationToken = default)
    {
        string[] args = ["-v", "error", "-hide_banner", "-select_streams", "v:0", .. Entries, "-of", "json", "-i", path];
        using var run = FFmpegProcess.Start(tools.FFprobe, args, tools.IdleTimeout, cancellationToken);
        var json = run.ReadAllText();
        int rc = run.WaitForExit();
        if (run.TimedOut) throw Hung(path, run, tools);
        if (rc != 0) throw new VideoDecodeException(path, $"Video '{path}' cannot be read: {Reason(run, rc)}");
        try
        {
            return Parse(path, json);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new VideoDecodeException(path, $"Video '{path}': unexpected ffprobe output ({ex.Message}).", ex);
        }
    }

    /// <summary>FFmpeg's own reason for a failure: the tail of its standard error, or its exit code.</summary>
    internal static string Reason(FFmpegProcess run, int exitCode)
    {
        var tail = run.StderrTail();
        return tail.Length > 0 ? $"{tail} ({run.Tool} exit code {exitCode})" : $"{run.Tool} exit code {exitCode}";
    }

    /// <summary>The error for a child killed by the idle timeout.</summary>
    internal static VideoDecodeException Hung(string path, FFmpegProcess run, FFmpegTools tools) =>
        new(path, $"Video '{path}': {run.Tool} wrote nothing for {tools.IdleTimeout.TotalSeconds:0.#} s and was killed " +
                  $"(FFmpegTools.IdleTimeout). {run.StderrTail()}".TrimEnd());

    private static VideoInfo Parse(string path, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
            throw new VideoDecodeException(path, $"Video '{path}' has no video stream.");
        var s = streams[0];
        string codec = s.TryGetProperty("codec_name", out var c) ? c.GetString() ?? "unknown" : "unknown";
        int width = s.TryGetProperty("width", out var w) ? w.GetInt32() : 0;
        int height = s.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
        if (width <= 0 || height <= 0) throw new VideoDecodeException(path, $"Video '{path}': the video stream has no frame size.");
        double fps = Rate(s, "avg_frame_rate");
        if (fps <= 0) fps = Rate(s, "r_frame_rate");

        int packets = 0, frames = 0;
        if (root.TryGetProperty("packets", out var list))
        {
            foreach (var p in list.EnumerateArray())
            {
                packets++;
                long size = Number(p, "size") ?? 0;
                if (!IsPlaceholder(size, codec)) frames++;
            }
        }
        long declared = Number(s, "nb_frames") ?? 0;
        if (declared > 0 && packets < declared)
            throw new VideoDecodeException(path, $"Video '{path}' is truncated or damaged: the container declares {declared} video frames " +
                                                 $"but only {packets} could be read.");

        double seconds = Seconds(s) ?? (root.TryGetProperty("format", out var f) ? Seconds(f) : null) ?? (fps > 0 ? frames / fps : 0);
        return new VideoInfo(path, frames, fps, width, height, TimeSpan.FromSeconds(seconds), codec);
    }

    // Mirrors FFmpeg's MPEG-4 decoder, which returns no picture for an empty or 1-byte "frame skipped" packet.
    private static bool IsPlaceholder(long size, string codec) => size == 0 || (codec == "mpeg4" && size <= 1);

    private static double Rate(JsonElement s, string name)
    {
        if (!s.TryGetProperty(name, out var v) || v.GetString() is not { } text) return 0;
        var parts = text.Split('/');
        if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var num) ||
            !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var den) || num <= 0 || den <= 0)
            return 0;
        return num / den;
    }

    private static long? Number(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetInt64();
        return long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static double? Seconds(JsonElement e) =>
        e.TryGetProperty("duration", out var v) && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0
            ? d
            : null;
}
