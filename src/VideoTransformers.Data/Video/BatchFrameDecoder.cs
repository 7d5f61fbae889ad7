using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VideoTransformers.Data.Video;

/// <summary>
/// Decodes the same frame run of several files with ONE <c>ffmpeg</c> run and no <c>ffprobe</c>: one input and one
/// raw output file per video, in a private temporary folder (in memory under <c>/dev/shm</c> where it exists).
/// </summary>
/// <remarks>
/// <para>Why: starting Debian's ffmpeg or ffprobe costs about 0.15 s of CPU (216 shared libraries to link), more than
/// decoding a whole short clip, and the per-file path starts two of them per file.</para>
/// <para>What replaces the probe: ffmpeg's own verbose log. Per input it names the native frame size and exact frame
/// rate (the line of the filter graph's input), the packets read and the frames decoded. A result is only returned
/// when everything the per-file path would check holds: exit code 0 under <c>-xerror</c>, a whole number of frames
/// written, as many frames as the request allows given the frames decoded, at least as many packets as an AVI's
/// header declares, and a RIFF size that fits in the file (both read here, without a child process). The frame count
/// is the frames decoded, so DivX "frame skipped" placeholder packets are not frames here either.</para>
/// <para>A file for which anything is unclear (the check fails, the output would be enlarged, for which the per-file
/// path uses another scaler, or its rate is not the container's average) gets <c>null</c>, and the caller decodes it
/// alone on the per-file path, which reports the precise error. The same goes for every file of a run that fails as
/// a whole; <see cref="Outcome.Culprit"/> names the input ffmpeg blamed, if it did.</para>
/// </remarks>
internal static class BatchFrameDecoder
{
    /// <summary>One file's frames and frame rate.</summary>
    public sealed record Decoded(VideoFrames Frames, double Fps);

    /// <summary>
    /// Per-file results (null: decode alone); whether ffmpeg failed with an error exit (not a hang); and the input
    /// its log blamed, if it named one.
    /// </summary>
    public sealed record Outcome(Decoded?[] Results, bool Failed, int? Culprit);

    private static readonly Regex GraphInput = new(@"^\[graph \d+ input from stream (\d+):\d+ @ [^\]]*\] w:(\d+) h:(\d+) .*\bfr:(\d+)/(\d+)", RegexOptions.CultureInvariant);
    private static readonly Regex InputCounts = new(@"^Input stream #(\d+):\d+ \(video\): (\d+) packets read .*?; (\d+) frames decoded", RegexOptions.CultureInvariant);
    private static readonly Regex VideoStream = new(@"^Stream #(\d+):\d+.*?: Video: .*?, (\d+(?:\.\d+)?)(k?) fps", RegexOptions.CultureInvariant);

    private sealed class InputLog
    {
        public int Width, Height, Packets = -1, Decoded = -1;
        public double GraphFps, StreamFps = -1;
    }

    /// <summary>
    /// Whether <paramref name="fullPath"/> may join a batch: it exists and, for a RIFF (AVI) file, is not shorter
    /// than its header says. Files that may not are left to the per-file path.
    /// </summary>
    public static bool CanBatch(string fullPath)
    {
        if (!File.Exists(fullPath)) return false;
        try
        {
            return !TruncatedRiff(fullPath);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Decodes <paramref name="run"/> of every file of <paramref name="fullPaths"/> in one ffmpeg run.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; ffmpeg was killed.</exception>
    /// <exception cref="FFmpegNotFoundException">ffmpeg cannot be started.</exception>
    public static Outcome Decode(IReadOnlyList<string> fullPaths, FrameRun run, int width, int height, PixelFormat format,
        FFmpegTools tools, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        int n = fullPaths.Count;
        var logs = new InputLog[n];
        for (int i = 0; i < n; i++) logs[i] = new InputLog();
        int? culprit = null;
        bool inInputs = false;
        void OnLine(string line)
        {
            // Output streams are listed with the same numbers as inputs; only the inputs' lines describe the files.
            if (line.StartsWith("Input #", StringComparison.Ordinal)) inInputs = true;
            else if (line.StartsWith("Output #", StringComparison.Ordinal) || line.StartsWith("Stream mapping:", StringComparison.Ordinal)) inInputs = false;
            Parse(line, logs, inInputs);
            for (int i = 0; i < n && culprit is null; i++)
                if (line.StartsWith(fullPaths[i] + ": ", StringComparison.Ordinal)) culprit = i;
        }

        var dir = Path.Combine(TempRoot(), "vt-decode-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var outputs = Enumerable.Range(0, n).Select(i => Path.Combine(dir, i.ToString(CultureInfo.InvariantCulture) + ".raw")).ToArray();
            int rc;
            bool timedOut;
            using (var ffmpeg = FFmpegProcess.Start(tools.FFmpeg, Arguments(fullPaths, outputs, run, width, height, format), tools.IdleTimeout,
                       cancellationToken, OnLine))
            {
                // The progress report on standard output is read only to show the idle watchdog that ffmpeg is alive.
                var sink = new byte[4096];
                while (ffmpeg.ReadFully(sink) == sink.Length) { }
                rc = ffmpeg.WaitForExit();
                timedOut = ffmpeg.TimedOut;
            }
            var results = new Decoded?[n];
            if (rc != 0 || timedOut) return new Outcome(results, rc != 0 && !timedOut, culprit);
            int frameBytes = checked(width * height * (int)format);
            for (int i = 0; i < n; i++) results[i] = Check(fullPaths[i], outputs[i], logs[i], run, width, height, format, frameBytes);
            return new Outcome(results, false, null);
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // A killed ffmpeg may still hold a file for a moment; the folder is in a temporary location anyway.
            }
        }
    }

    private static Decoded? Check(string path, string output, InputLog log, FrameRun run, int width, int height, PixelFormat format, int frameBytes)
    {
        if (log.Width <= 0 || log.Decoded < 0 || log.Packets < 0 || log.GraphFps <= 0 || !File.Exists(output)) return null;
        // The per-file path picks bilinear when enlarging; only shrinking outputs (area) match it.
        if (width > log.Width || height > log.Height) return null;
        // The per-file path reports the container's average rate; the graph's exact rate stands in only when it agrees.
        if (log.StreamFps < 0 || Math.Abs(log.StreamFps - log.GraphFps) > 0.006 * Math.Max(1, log.StreamFps / 100)) return null;
        var data = File.ReadAllBytes(output);
        if (data.Length % frameBytes != 0) return null;
        int got = data.Length / frameBytes;
        bool stoppedAtLimit = run.Count >= 0 && got == run.Count;
        if (!stoppedAtLimit)
        {
            // ffmpeg read the file to its end: everything it decoded was seen, and an AVI must hold what it declares.
            if (got != run.Available(log.Decoded)) return null;
            if (DeclaredAviFrames(path) is { } declared && log.Packets < declared) return null;
        }
        return new Decoded(new VideoFrames(data, got, height, width, (int)format), log.GraphFps);
    }

    private static List<string> Arguments(IReadOnlyList<string> inputs, string[] outputs, FrameRun run, int width, int height, PixelFormat format)
    {
        // Verbose: the per-input facts that replace ffprobe are only logged at this level.
        var args = new List<string> { "-nostdin", "-y", "-hide_banner", "-nostats", "-loglevel", "verbose", "-xerror", "-filter_threads", "1" };
        foreach (var input in inputs) args.AddRange(["-threads", "1", "-i", input]);
        string filters = FrameDecoder.Filters([run], width, height, format, shrinks: true);
        for (int i = 0; i < inputs.Count; i++)
        {
            args.AddRange(["-map", $"{i}:v:0", "-an", "-sn", "-dn", "-vf", filters, "-fps_mode", "passthrough"]);
            if (run.Count >= 0) args.AddRange(["-frames:v", run.Count.ToString(CultureInfo.InvariantCulture)]);
            args.AddRange(FrameDecoder.RawOutput(format, outputs[i]));
        }
        args.AddRange(["-progress", "pipe:1"]);
        return args;
    }

    private static void Parse(string line, InputLog[] logs, bool inInputs)
    {
        Match m;
        if ((m = GraphInput.Match(line)).Success)
        {
            var log = At(logs, m.Groups[1].Value);
            if (log is null || log.Width > 0) return;
            log.Width = Int(m.Groups[2].Value);
            log.Height = Int(m.Groups[3].Value);
            double num = Int(m.Groups[4].Value), den = Int(m.Groups[5].Value);
            log.GraphFps = num > 0 && den > 0 ? num / den : 0;
        }
        else if ((m = InputCounts.Match(line)).Success)
        {
            var log = At(logs, m.Groups[1].Value);
            if (log is null || log.Packets >= 0) return;
            log.Packets = Int(m.Groups[2].Value);
            log.Decoded = Int(m.Groups[3].Value);
        }
        else if (inInputs && (m = VideoStream.Match(line)).Success)
        {
            var log = At(logs, m.Groups[1].Value);
            if (log is null || log.StreamFps >= 0) return;
            double v = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            log.StreamFps = m.Groups[3].Value == "k" ? v * 1000 : v;
        }
    }

    private static InputLog? At(InputLog[] logs, string index) =>
        int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < logs.Length ? logs[i] : null;

    private static int Int(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string TempRoot() =>
        OperatingSystem.IsLinux() && Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    /// <summary>True for a RIFF file shorter than its RIFF header declares (a cut download or copy).</summary>
    internal static bool TruncatedRiff(string path)
    {
        Span<byte> head = stackalloc byte[12];
        using var f = File.OpenRead(path);
        if (f.ReadAtLeast(head, 12, throwOnEndOfStream: false) < 12 || !head[..4].SequenceEqual("RIFF"u8)) return false;
        long size = BinaryPrimitives.ReadUInt32LittleEndian(head[4..8]);
        return size + 8 > f.Length;
    }

    /// <summary>
    /// The frame count an AVI file's first video stream header (<c>strh</c> dwLength) declares, which is ffprobe's
    /// <c>nb_frames</c>; null for other files or when the header cannot be found in the first 64 KiB.
    /// </summary>
    internal static long? DeclaredAviFrames(string path)
    {
        var buf = new byte[64 * 1024];
        int len;
        using (var f = File.OpenRead(path)) len = f.ReadAtLeast(buf, buf.Length, throwOnEndOfStream: false);
        var s = buf.AsSpan(0, len);
        if (len < 12 || !s[..4].SequenceEqual("RIFF"u8) || !s[8..12].SequenceEqual("AVI "u8)) return null;
        return FindVideoLength(s, 12, len);
    }

    // Walks chunks in [start, end), descending into LIST chunks, until a 'strh' of type 'vids'.
    private static long? FindVideoLength(ReadOnlySpan<byte> s, int start, int end)
    {
        int pos = start;
        while (pos + 8 <= end)
        {
            var id = s.Slice(pos, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(pos + 4, 4));
            int body = pos + 8;
            if (id.SequenceEqual("LIST"u8))
            {
                if (body + 4 > end) return null;
                var type = s.Slice(body, 4);
                if (type.SequenceEqual("movi"u8)) return null;
                if (type.SequenceEqual("hdrl"u8) || type.SequenceEqual("strl"u8))
                {
                    var found = FindVideoLength(s, body + 4, (int)Math.Min(end, body + size));
                    if (found is not null) return found;
                }
            }
            else if (id.SequenceEqual("strh"u8) && size >= 36 && body + 36 <= end && s.Slice(body, 4).SequenceEqual("vids"u8))
            {
                return BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(body + 32, 4));
            }
            long next = body + size + (size & 1);
            if (next > end) return null;
            pos = (int)next;
        }
        return null;
    }
}
