namespace VideoTransformers.Data.Video;

/// <summary>
/// Reads frames of one video file with FFmpeg's own tools: <c>ffprobe</c> for the metadata at
/// <see cref="Open"/>, and one <c>ffmpeg</c> child per <see cref="Decode"/> that pipes raw frames back.
/// </summary>
/// <remarks>
/// <para>Frame <c>i</c> is the i-th picture the decoder outputs. Every decode reads the file from its start (the
/// frames before the first wanted one are decoded and dropped by ffmpeg), so ask for all the frames you need in
/// one call: <see cref="DecodeIndices"/> takes any set of frames in one ffmpeg run.</para>
/// <para><see cref="Open"/> fails with <see cref="VideoDecodeException"/> for unreadable, unrecognised or
/// truncated files (truncation is detected when the container declares more frames than it holds). When
/// decoding fails half way, or delivers fewer frames than the file holds, <see cref="Decode"/> throws and
/// returns no frames; the message names the file and gives FFmpeg's reason. If ffmpeg or ffprobe cannot be
/// started, <see cref="FFmpegNotFoundException"/> says what to install.</para>
/// <para>Probe results are cached in the process per file (full path, length, last write time) and ffprobe, so
/// opening the same file again starts no ffprobe; see <see cref="ClearProbeCache"/>.</para>
/// <para>Cancelling a decode, disposing the reader during one, or <see cref="FFmpegTools.IdleTimeout"/> passing
/// without output kills the ffmpeg child. An instance is not thread-safe, except that <see cref="Dispose"/> may
/// be called from another thread to stop a running decode.</para>
/// </remarks>
public sealed class VideoReader : IDisposable
{
    private readonly FFmpegTools _tools;
    private readonly CancellationTokenSource _disposed = new();

    private VideoReader(VideoInfo info, FFmpegTools tools)
    {
        Info = info;
        _tools = tools;
    }

    /// <summary>The probed metadata.</summary>
    public VideoInfo Info { get; }

    /// <summary>The file being read (full path).</summary>
    public string FilePath => Info.FilePath;

    /// <summary>Number of frames (see <see cref="VideoInfo.FrameCount"/>).</summary>
    public int FrameCount
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            return Info.FrameCount;
        }
    }

    /// <summary>Average frame rate in frames per second (0 when the container does not say).</summary>
    public double Fps => Info.Fps;

    /// <summary>Native frame width in pixels.</summary>
    public int Width => Info.Width;

    /// <summary>Native frame height in pixels.</summary>
    public int Height => Info.Height;

    /// <summary>Stream duration as declared by the container.</summary>
    public TimeSpan Duration => Info.Duration;

    /// <summary>FFmpeg's name of the video codec.</summary>
    public string Codec => Info.Codec;

    /// <summary>Opens <paramref name="path"/> and probes its first video stream (audio is ignored).</summary>
    /// <param name="path">The video file.</param>
    /// <param name="tools">Where ffmpeg and ffprobe are; <see cref="FFmpegTools.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the probe (and kills ffprobe).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="VideoDecodeException">The file cannot be read as a video.</exception>
    /// <exception cref="FFmpegNotFoundException">ffprobe cannot be started.</exception>
    public static VideoReader Open(string path, FFmpegTools? tools = null, CancellationToken cancellationToken = default)
    {
        tools ??= FFmpegTools.Default;
        return new VideoReader(Probe(path, tools, cancellationToken), tools);
    }

    /// <summary>Probes <paramref name="path"/> without keeping a reader: frame count, rate, size and codec.</summary>
    /// <inheritdoc cref="Open" path="/param"/>
    /// <inheritdoc cref="Open" path="/exception"/>
    public static VideoInfo Probe(string path, FFmpegTools? tools = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            if (Directory.Exists(full)) throw new VideoDecodeException(full, $"Video '{full}' is a directory, not a file.");
            throw new FileNotFoundException($"Video file '{full}' does not exist.", full);
        }
        return ProbeCache.GetOrProbe(full, tools ?? FFmpegTools.Default, cancellationToken);
    }

    /// <summary>
    /// Forgets the probe results <see cref="Open"/> and <see cref="Probe"/> keep per file (full path, length, last
    /// write time, ffprobe). Only needed when a file may change without its length or write time changing.
    /// </summary>
    public static void ClearProbeCache() => ProbeCache.Clear();

    /// <summary>
    /// Decodes frames <paramref name="start"/>, <c>start + step</c>, … (<paramref name="count"/> of them,
    /// fewer if the video ends first; a negative count reads to the end) resized to
    /// <paramref name="width"/>×<paramref name="height"/> (0 keeps the native size) by FFmpeg's scaler, with area
    /// averaging when shrinking and bilinear interpolation when enlarging.
    /// </summary>
    /// <exception cref="VideoDecodeException">Decoding failed, or the file holds fewer frames than probed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; ffmpeg was killed.</exception>
    public VideoFrames Decode(int start, int count, int step = 1, int width = 0, int height = 0, PixelFormat format = PixelFormat.Rgb,
        CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        return Run([new FrameRun(start, step, count < 0 ? -1 : count)], width, height, format, cancellationToken);
    }

    /// <summary>
    /// Decodes the frames at <paramref name="indices"/> (any order, repeats allowed) in one ffmpeg run and returns
    /// them in that order. Every index must exist.
    /// </summary>
    /// <exception cref="VideoDecodeException">An index lies past the end of the video, or decoding failed.</exception>
    public VideoFrames DecodeIndices(IReadOnlyList<int> indices, int width = 0, int height = 0, PixelFormat format = PixelFormat.Rgb,
        CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        ArgumentNullException.ThrowIfNull(indices);
        var distinct = indices.Distinct().Order().ToArray();
        if (distinct.Length > 0 && distinct[0] < 0) throw new ArgumentOutOfRangeException(nameof(indices), "Frame indices must be >= 0.");
        if (distinct.Length > 0 && distinct[^1] >= FrameCount)
            throw new VideoDecodeException(FilePath, $"Video '{FilePath}' has {FrameCount} frames; frame {distinct[^1]} was requested.");
        var sorted = Run(FrameRun.FromSortedIndices(distinct), width, height, format, cancellationToken);
        int fs = sorted.FrameSize;
        var position = new Dictionary<int, int>(distinct.Length);
        for (int k = 0; k < distinct.Length; k++) position[distinct[k]] = k;
        var data = new byte[checked(indices.Count * fs)];
        for (int t = 0; t < indices.Count; t++) Buffer.BlockCopy(sorted.Data, position[indices[t]] * fs, data, t * fs, fs);
        return sorted with { Data = data, Frames = indices.Count };
    }

    /// <summary>Closes the reader; a decode running on another thread is stopped and its ffmpeg child killed.</summary>
    public void Dispose()
    {
        if (!_disposed.IsCancellationRequested) _disposed.Cancel();
    }

    private VideoFrames Run(List<FrameRun> runs, int width, int height, PixelFormat format, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (format != PixelFormat.Gray && format != PixelFormat.Rgb) throw new ArgumentOutOfRangeException(nameof(format));
        int w = width == 0 ? Width : width, h = height == 0 ? Height : height;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        try
        {
            return FrameDecoder.Decode(Info, runs, w, h, format, _tools, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _disposed.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(VideoReader), $"The reader of '{FilePath}' was disposed during a decode.");
        }
    }
}
