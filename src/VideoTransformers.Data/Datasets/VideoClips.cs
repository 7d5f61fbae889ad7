using VideoTransformers.Data.Video;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// Fixed-length clips over a list of videos, indexed like torchvision's <c>VideoClips</c>: each video is
/// optionally resampled to <see cref="FrameRate"/>, then cut into windows of <see cref="FramesPerClip"/>
/// frames whose starts are <see cref="StepBetweenClips"/> apart, keeping every <see cref="FrameStride"/>-th frame
/// inside a window (1, torchvision's behaviour, keeps them all). Videos shorter than one clip contribute none.
/// </summary>
public sealed class VideoClips
{
    private readonly int[][] _resampled;
    private readonly long[] _cumulative;

    /// <summary>Indexes the clips of <paramref name="paths"/>.</summary>
    /// <param name="paths">The videos.</param>
    /// <param name="framesPerClip">Frames per clip.</param>
    /// <param name="stepBetweenClips">Distance, in resampled frames, between the starts of consecutive clips.</param>
    /// <param name="frameRate">Target frame rate, or null to keep each video's own.</param>
    /// <param name="metadata">Frame counts and rates, one per path; read from the files when null.</param>
    /// <param name="maxDegreeOfParallelism">Files opened at once when reading metadata.</param>
    /// <param name="frameStride">Distance, in resampled frames, between consecutive frames of a clip.</param>
    public VideoClips(IReadOnlyList<string> paths, int framesPerClip, int stepBetweenClips = 1, double? frameRate = null,
        IReadOnlyList<VideoMetadata>? metadata = null, int maxDegreeOfParallelism = 1, int frameStride = 1)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerClip, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepBetweenClips, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameStride, 1);
        FrameStride = frameStride;
        if (frameRate is <= 0) throw new ArgumentOutOfRangeException(nameof(frameRate), "Frame rate must be positive.");
        Paths = paths;
        FramesPerClip = framesPerClip;
        StepBetweenClips = stepBetweenClips;
        FrameRate = frameRate;
        Metadata = metadata ?? ReadMetadata(paths, maxDegreeOfParallelism);
        if (Metadata.Count != paths.Count) throw new ArgumentException($"{Metadata.Count} metadata entries for {paths.Count} videos.", nameof(metadata));
        _resampled = Metadata.Select(m => ResampleIndices(m.FrameCount, m.Fps, frameRate)).ToArray();
        _cumulative = new long[paths.Count + 1];
        for (int v = 0; v < paths.Count; v++) _cumulative[v + 1] = _cumulative[v] + ClipsInVideo(v);
        if (_cumulative[^1] > int.MaxValue) throw new NotSupportedException("More than int.MaxValue clips.");
    }

    /// <summary>The videos.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>Frame count and rate of each video.</summary>
    public IReadOnlyList<VideoMetadata> Metadata { get; }

    /// <summary>Frames per clip.</summary>
    public int FramesPerClip { get; }

    /// <summary>Distance between consecutive clip starts, in resampled frames.</summary>
    public int StepBetweenClips { get; }

    /// <summary>Target frame rate, or null for each video's own.</summary>
    public double? FrameRate { get; }

    /// <summary>Distance, in resampled frames, between consecutive frames of a clip (1 keeps them all).</summary>
    public int FrameStride { get; }

    /// <summary>Resampled frames one clip spans: <c>(FramesPerClip - 1) · FrameStride + 1</c>.</summary>
    public long Span => (long)(FramesPerClip - 1) * FrameStride + 1;

    /// <summary>Total number of clips.</summary>
    public int Count => (int)_cumulative[^1];

    /// <summary>Number of clips in video <paramref name="video"/>.</summary>
    public int ClipsInVideo(int video)
    {
        long n = _resampled[video].Length;
        return n < Span ? 0 : (int)((n - Span) / StepBetweenClips + 1);
    }

    /// <summary>The video and the clip number within it of global clip <paramref name="clipIndex"/>.</summary>
    public (int Video, int Clip) Locate(int clipIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(clipIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(clipIndex, Count);
        int pos = Array.BinarySearch(_cumulative, clipIndex);
        // An exact hit may land on the boundary of empty videos; the clip belongs to the last video starting there.
        int video = pos >= 0 ? pos : ~pos - 1;
        while (video + 1 < Paths.Count && _cumulative[video + 1] <= clipIndex) video++;
        return (video, (int)(clipIndex - _cumulative[video]));
    }

    /// <summary>The source frame indices of clip <paramref name="clipIndex"/> (repeats possible when upsampling).</summary>
    public int[] FrameIndices(int clipIndex)
    {
        var (video, clip) = Locate(clipIndex);
        var frames = _resampled[video];
        var start = (long)clip * StepBetweenClips;
        var indices = new int[FramesPerClip];
        for (var k = 0; k < indices.Length; k++) indices[k] = frames[start + (long)k * FrameStride];
        return indices;
    }

    /// <summary>The first source frame of clip <paramref name="clipIndex"/>.</summary>
    public int StartFrame(int clipIndex)
    {
        var (video, clip) = Locate(clipIndex);
        return _resampled[video][(long)clip * StepBetweenClips];
    }

    /// <summary>Decodes clip <paramref name="clipIndex"/>.</summary>
    public VideoFrames GetClip(int clipIndex, int width = 0, int height = 0, PixelFormat format = PixelFormat.Rgb)
    {
        var (video, _) = Locate(clipIndex);
        using var reader = VideoReader.Open(Paths[video]);
        return reader.DecodeIndices(FrameIndices(clipIndex), width, height, format);
    }

    /// <summary>Opens each video to read its frame count and rate.</summary>
    public static IReadOnlyList<VideoMetadata> ReadMetadata(IReadOnlyList<string> paths, int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var result = new VideoMetadata[paths.Count];
        try
        {
            Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxDegreeOfParallelism) }, i =>
            {
                using var r = VideoReader.Open(paths[i]);
                result[i] = new VideoMetadata(r.FrameCount, r.Fps);
            });
        }
        catch (AggregateException ae)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ae.InnerExceptions[0]).Throw();
            throw;
        }
        return result;
    }

    /// <summary>
    /// Source frame indices after resampling <paramref name="frameCount"/> frames from <paramref name="fps"/> to
    /// <paramref name="frameRate"/>, as torchvision's <c>_resample_video_idx</c> does: an integral ratio takes every
    /// n-th frame; otherwise frame <c>floor(k · fps / frameRate)</c> for <c>k &lt; floor(frameCount · frameRate / fps)</c>.
    /// </summary>
    public static int[] ResampleIndices(int frameCount, double fps, double? frameRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameCount);
        if (frameRate is null || fps <= 0) return Enumerable.Range(0, frameCount).ToArray();
        double step = fps / frameRate.Value;
        if (Math.Abs(step - Math.Round(step)) < 1e-9 && Math.Round(step) >= 1)
        {
            int s = (int)Math.Round(step);
            return Enumerable.Range(0, (frameCount + s - 1) / s).Select(k => k * s).ToArray();
        }
        int total = (int)Math.Floor(frameCount * (frameRate.Value / fps));
        // torchvision computes these in float32; matching it keeps clip boundaries identical.
        float fstep = (float)step;
        return Enumerable.Range(0, total).Select(k => Math.Min(frameCount - 1, (int)MathF.Floor(k * fstep))).ToArray();
    }
}
