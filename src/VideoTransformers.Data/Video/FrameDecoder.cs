using System.Globalization;

namespace VideoTransformers.Data.Video;

/// <summary>
/// Decodes selected frames of one file with one <c>ffmpeg</c> run that writes raw gray8 or rgb24 frames, already
/// scaled by FFmpeg's scaler, to a pipe.
/// </summary>
/// <remarks>
/// Frame <c>n</c> is the n-th picture the decoder outputs: FFmpeg's <c>select</c> filter picks frames by that number
/// and <c>-fps_mode passthrough</c> stops ffmpeg from duplicating or dropping frames by timestamp. Keyframe seeking
/// is deliberately not used: KTH clips carry 2 keyframes in ~400 frames, and timestamps of AVI files without pts
/// do not map reliably to frame numbers; <c>-frames:v</c> stops ffmpeg once the last wanted frame is out.
/// Decoding is single-threaded (<c>-threads 1</c>, <c>-filter_threads 1</c>) because loaders decode several files in
/// parallel. <c>-xerror</c> makes a decode error fatal, and a run that delivers fewer frames than the probe counted
/// fails too, so a damaged or truncated file is never returned as fewer frames.
/// </remarks>
internal static class FrameDecoder
{
    /// <summary>Decodes <paramref name="runs"/> (disjoint, in increasing order) of <paramref name="info"/>'s file.</summary>
    public static VideoFrames Decode(VideoInfo info, IReadOnlyList<FrameRun> runs, int width, int height, PixelFormat format,
        FFmpegTools tools, CancellationToken cancellationToken)
    {
        int c = (int)format;
        int frameBytes = checked(width * height * c);
        int expected = runs.Sum(r => r.Available(info.FrameCount));
        bool bounded = runs.All(r => r.Count >= 0);
        if (expected == 0 && bounded) return new VideoFrames([], 0, height, width, c);

        var path = info.FilePath;
        using var run = FFmpegProcess.Start(tools.FFmpeg, Arguments(info, runs, width, height, format, bounded), tools.IdleTimeout, cancellationToken);
        int limit = bounded ? runs.Sum(r => r.Count) : int.MaxValue;
        var data = new byte[checked((long)expected * frameBytes)];
        int got = 0, partial = 0;
        while (got < limit)
        {
            if ((long)(got + 1) * frameBytes > data.Length) Array.Resize(ref data, checked(Math.Max(data.Length * 2, (got + 1) * frameBytes)));
            int n = run.ReadFully(data.AsSpan(got * frameBytes, frameBytes));
            if (n < frameBytes)
            {
                partial = n;
                break;
            }
            got++;
        }
        int rc = run.WaitForExit();
        if (run.TimedOut) throw VideoProbe.Hung(path, run, tools);
        if (rc != 0)
            throw new VideoDecodeException(path, $"Decoding video '{path}' failed: {VideoProbe.Reason(run, rc)}; " +
                                                 $"{got} requested frames were decoded before the failure.");
        if (partial != 0)
            throw new VideoDecodeException(path, $"Decoding video '{path}' failed: ffmpeg's output ended inside frame {got}; " +
                                                 $"{got} requested frames were decoded before the failure.");
        if (got < expected)
            throw new VideoDecodeException(path, $"Video '{path}' is truncated or damaged: ffprobe counted {info.FrameCount} frames, " +
                                                 $"so this request should give {expected}, but ffmpeg decoded {got}. {run.StderrTail()}".TrimEnd());
        if ((long)got * frameBytes != data.Length) Array.Resize(ref data, got * frameBytes);
        return new VideoFrames(data, got, height, width, c);
    }

    private static List<string> Arguments(VideoInfo info, IReadOnlyList<FrameRun> runs, int width, int height, PixelFormat format, bool bounded)
    {
        var args = new List<string>
        {
            "-nostdin", "-hide_banner", "-nostats", "-loglevel", "error", "-xerror",
            "-threads", "1", "-i", info.FilePath,
            "-map", "0:v:0", "-an", "-sn", "-dn", "-filter_threads", "1",
            "-vf", Filters(runs, width, height, format, Shrinks(info, width, height)), "-fps_mode", "passthrough",
        };
        if (bounded) args.AddRange(["-frames:v", runs.Sum(r => r.Count).ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(RawOutput(format, "pipe:1"));
        return args;
    }

    /// <summary>The output options that write raw <paramref name="format"/> frames to <paramref name="target"/>.</summary>
    /// <remarks>
    /// <c>-threads 1</c> here too: otherwise the rawvideo encoder of every output gets a pool of frame threads and each
    /// frame a thread hand-off (measured on 16 KTH files in one run: 1.6 s of CPU with the pools, 1.15 s without).
    /// </remarks>
    internal static string[] RawOutput(PixelFormat format, string target) => ["-threads", "1", "-f", "rawvideo", "-pix_fmt", PixFmt(format), target];

    /// <summary>FFmpeg's name of the raw output format.</summary>
    internal static string PixFmt(PixelFormat format) => format == PixelFormat.Gray ? "gray" : "rgb24";

    /// <summary>True when the output is no larger than the native frame in either direction.</summary>
    internal static bool Shrinks(VideoInfo info, int width, int height) => width <= info.Width && height <= info.Height;

    /// <summary>The filter chain that selects <paramref name="runs"/> and scales and converts them.</summary>
    internal static string Filters(IReadOnlyList<FrameRun> runs, int width, int height, PixelFormat format, bool shrinks)
    {
        var filters = new List<string>();
        if (!(runs.Count == 1 && runs[0] is { Start: 0, Step: 1, Count: < 0 }))
            filters.Add($"select='{string.Join('+', runs.Select(r => r.ToSelectExpression()))}'");
        // Area averaging when shrinking (no aliasing), bilinear when enlarging: the old in-process decoder's choice.
        string flags = shrinks ? "area" : "bilinear";
        // The format filter makes the scale filter convert straight to the output format, in one swscale pass.
        filters.Add($"scale=w={width}:h={height}:flags={flags}");
        filters.Add($"format={PixFmt(format)}");
        return string.Join(',', filters);
    }
}
