namespace VideoTransformers.Data.Video;

/// <summary>
/// The old in-process decoder (native shim, video.cpp), kept only until the FFmpeg-tools decoder is compared with it.
/// </summary>
/// <remarks>
/// <para>Frame <c>i</c> is the i-th picture the decoder outputs. Decoding is sequential: requests whose
/// start lies at or after the previous request's end continue without re-reading, and a request for an
/// earlier frame restarts from the beginning of the file. Read frames in increasing order where possible.</para>
/// <para><see cref="Open"/> fails with <see cref="VideoDecodeException"/> for unreadable, unrecognised or
/// truncated files (truncation is detected when the container declares more frames than it holds, or its
/// last packet is cut short). When decoding fails half way, <see cref="Decode"/> throws and returns no
/// frames; the message says how many frames were decoded before the failure.</para>
/// <para>An instance is not thread-safe; use one reader per thread.</para>
/// </remarks>
internal sealed class NativeVideoReader : IDisposable
{
    private readonly VideoHandle _handle;

    private NativeVideoReader(string path, VideoHandle handle)
    {
        FilePath = path;
        _handle = handle;
        Check(VideoNative.Info(_handle, out _, out var fps, out var width, out var height, out var duration));
        Fps = fps;
        Width = width;
        Height = height;
        Duration = TimeSpan.FromSeconds(duration);
    }

    /// <summary>The file being read.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Number of frames. Computed at open by demuxing the video stream without decoding (skipping
    /// DivX "frame skipped" placeholders), and replaced by the exact decoded count once a decode reaches
    /// the end of the stream; the two agree on every real clip the tests cover.
    /// </summary>
    public int FrameCount
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            Check(VideoNative.Info(_handle, out var n, out _, out _, out _, out _));
            return checked((int)n);
        }
    }

    /// <summary>Average frame rate in frames per second (0 when the container does not say).</summary>
    public double Fps { get; }

    /// <summary>Native frame width in pixels.</summary>
    public int Width { get; }

    /// <summary>Native frame height in pixels.</summary>
    public int Height { get; }

    /// <summary>Stream duration as declared by the container.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Opens <paramref name="path"/> and selects its best video stream (audio is ignored).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="VideoDecodeException">The file cannot be opened as a video.</exception>
    public static NativeVideoReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            if (Directory.Exists(full)) throw new VideoDecodeException(full, $"Video '{full}' is a directory, not a file.");
            throw new FileNotFoundException($"Video file '{full}' does not exist.", full);
        }
        var handle = VideoNative.Open(full);
        if (handle.IsInvalid)
        {
            var error = VideoNative.LastError();
            handle.Dispose();
            throw new VideoDecodeException(full, error);
        }
        try
        {
            return new NativeVideoReader(full, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Decodes frames <paramref name="start"/>, <c>start + step</c>, … (<paramref name="count"/> of them,
    /// fewer if the video ends first; a negative count reads to the end) resized to
    /// <paramref name="width"/>×<paramref name="height"/> (0 keeps the native size) with area averaging
    /// when shrinking and bilinear interpolation when enlarging.
    /// </summary>
    public VideoFrames Decode(int start, int count, int step = 1, int width = 0, int height = 0, PixelFormat format = PixelFormat.Rgb)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (format != PixelFormat.Gray && format != PixelFormat.Rgb) throw new ArgumentOutOfRangeException(nameof(format));
        int w = width == 0 ? Width : width, h = height == 0 ? Height : height, c = (int)format;
        int capacity = count >= 0 ? count : Math.Max(0, (FrameCount - start + step - 1) / step);
        long frameBytes = (long)w * h * c;
        var data = new byte[checked(capacity * frameBytes)];
        long written;
        int rc;
        unsafe
        {
            fixed (byte* p = data)
            {
                rc = VideoNative.Decode(_handle, start, count >= 0 ? count : -1, step, w, h, c, p, capacity, out written);
            }
        }
        if (rc != 0) throw new VideoDecodeException(FilePath, VideoNative.LastError());
        if (written < capacity) Array.Resize(ref data, checked((int)(written * frameBytes)));
        return new VideoFrames(data, (int)written, h, w, c);
    }

    /// <summary>
    /// Decodes the frames at <paramref name="indices"/> (any order, repeats allowed) and returns them in
    /// that order. Every index must exist.
    /// </summary>
    /// <exception cref="VideoDecodeException">An index lies past the end of the video, or decoding failed.</exception>
    public VideoFrames DecodeIndices(IReadOnlyList<int> indices, int width = 0, int height = 0, PixelFormat format = PixelFormat.Rgb)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int w = width == 0 ? Width : width, h = height == 0 ? Height : height, c = (int)format;
        var distinct = indices.Distinct().Order().ToArray();
        if (distinct.Length > 0 && distinct[0] < 0) throw new ArgumentOutOfRangeException(nameof(indices), "Frame indices must be >= 0.");
        var frames = new Dictionary<int, (byte[] Data, int Offset)>();
        int fs = w * h * c;
        // Splitting the sorted set into arithmetic runs lets each run be one native call, and since runs
        // are visited in increasing order the decoder never has to restart.
        for (int i = 0; i < distinct.Length;)
        {
            int step = i + 1 < distinct.Length ? distinct[i + 1] - distinct[i] : 1;
            int j = i + 1;
            while (j < distinct.Length && distinct[j] - distinct[j - 1] == step) j++;
            var run = Decode(distinct[i], j - i, step, w, h, format);
            if (run.Frames < j - i)
                throw new VideoDecodeException(FilePath,
                    $"Video '{FilePath}' has {FrameCount} frames; frame {distinct[i] + run.Frames * step} was requested.");
            for (int k = 0; k < run.Frames; k++) frames[distinct[i + k]] = (run.Data, k * fs);
            i = j;
        }
        var data = new byte[checked(indices.Count * fs)];
        for (int t = 0; t < indices.Count; t++)
        {
            var (src, off) = frames[indices[t]];
            Buffer.BlockCopy(src, off, data, t * fs, fs);
        }
        return new VideoFrames(data, indices.Count, h, w, c);
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private void Check(int rc)
    {
        if (rc != 0) throw new VideoDecodeException(FilePath, VideoNative.LastError());
    }
}
