using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VideoTransformers.Data.Video;

/// <summary>
/// Decodes many files with the same options, optionally in parallel (one single-threaded ffmpeg child per file),
/// and either fails on the first bad file or logs and skips it. A missing ffmpeg
/// (<see cref="FFmpegNotFoundException"/>) and cancellation are never skipped.
/// </summary>
public sealed class VideoBatchDecoder
{
    private readonly VideoDecodeOptions _options;
    private readonly bool _skipBadFiles;
    private readonly int _parallelism;
    private readonly ILogger _logger;
    private readonly FFmpegTools _tools;

    /// <summary>Creates a batch decoder.</summary>
    /// <param name="options">What to decode from each file.</param>
    /// <param name="skipBadFiles">When true, a file that cannot be opened or decoded is logged as a warning and
    /// reported in <see cref="VideoBatchResult.Skipped"/>; when false its exception propagates.</param>
    /// <param name="maxDegreeOfParallelism">Files decoded at once; 1 decodes sequentially.</param>
    /// <param name="logger">Receives skip warnings.</param>
    /// <param name="tools">Where ffmpeg and ffprobe are; <see cref="FFmpegTools.Default"/> when null.</param>
    public VideoBatchDecoder(VideoDecodeOptions options, bool skipBadFiles = false, int maxDegreeOfParallelism = 1, ILogger? logger = null,
        FFmpegTools? tools = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        _options = options;
        _skipBadFiles = skipBadFiles;
        _parallelism = maxDegreeOfParallelism;
        _logger = logger ?? NullLogger.Instance;
        _tools = tools ?? FFmpegTools.Default;
    }

    /// <summary>Decodes every file of <paramref name="paths"/>.</summary>
    /// <exception cref="IOException">A file failed and bad files are not skipped.</exception>
    public VideoBatchResult DecodeAll(IReadOnlyList<string> paths, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var results = new object?[paths.Count];
        int done = 0;
        var po = new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken };
        try
        {
            Parallel.For(0, paths.Count, po, (i, state) =>
            {
                results[i] = DecodeOne(i, paths[i], cancellationToken);
                progress?.Report((Interlocked.Increment(ref done), paths.Count));
            });
        }
        catch (AggregateException ae) when (ae.InnerExceptions.Count >= 1)
        {
            // Callers expect the file's own exception (with its path), not the parallel wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ae.InnerExceptions[0]).Throw();
            throw;
        }
        return new VideoBatchResult(results.OfType<DecodedVideo>().ToList(), results.OfType<SkippedVideo>().ToList());
    }

    private object DecodeOne(int index, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var reader = VideoReader.Open(path, _tools, cancellationToken);
            return new DecodedVideo(index, reader.FilePath, _options.DecodeFrom(reader, cancellationToken), reader.Fps);
        }
        catch (IOException ex) when (_skipBadFiles)
        {
            _logger.LogWarning(ex, "Skipping video {Path}: {Reason}", path, ex.Message);
            return new SkippedVideo(index, path, ex);
        }
    }
}
