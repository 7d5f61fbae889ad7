using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VideoTransformers.Data.Video;

/// <summary>
/// Decodes many files with the same options, optionally in parallel, and either fails on the first bad file or logs
/// and skips it. A missing ffmpeg (<see cref="FFmpegNotFoundException"/>) and cancellation are never skipped.
/// </summary>
/// <remarks>
/// <para>When the options scale to a fixed size, the files are decoded several at a time by one single-threaded
/// ffmpeg run each (up to <see cref="MaxFilesPerRun"/> inputs, about one run per worker), without ffprobe: ffmpeg's own
/// log gives each file's rate, size and counts. Starting Debian's ffmpeg costs about 0.15 s of CPU, more than decoding
/// a short clip, so this is several times faster on short clips than a probe and a decode per file.</para>
/// <para>The frames are the same bytes the per-file path (<see cref="VideoReader"/>) gives. A file the batched run
/// cannot vouch for (a failed run, a truncated or damaged file, an enlarging resize) is decoded again on its own by
/// the per-file path, so a bad file fails or is skipped with the same error as there, and only that file.</para>
/// </remarks>
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

    /// <summary>
    /// Most files decoded by one ffmpeg run (see the class remarks). 1 decodes every file on its own with ffprobe
    /// and ffmpeg, as <see cref="VideoReader"/> does. Default 16.
    /// </summary>
    public int MaxFilesPerRun
    {
        get => _maxFilesPerRun;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxFilesPerRun = value;
        }
    }

    private readonly int _maxFilesPerRun = 16;

    /// <summary>Decodes every file of <paramref name="paths"/>.</summary>
    /// <exception cref="IOException">A file failed and bad files are not skipped.</exception>
    public VideoBatchResult DecodeAll(IReadOnlyList<string> paths, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var results = new object?[paths.Count];
        int done = 0;
        void Report(int files)
        {
            for (int k = 0; k < files; k++) progress?.Report((Interlocked.Increment(ref done), paths.Count));
        }
        var groups = Groups(paths);
        var po = new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken };
        try
        {
            Parallel.ForEach(groups, po, group =>
            {
                if (group.Length == 1 && !Batchable(paths[group[0]])) results[group[0]] = DecodeOne(group[0], paths[group[0]], cancellationToken);
                else DecodeGroup(group, paths, results, cancellationToken);
                Report(group.Length);
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

    private bool BatchesAtAll => _maxFilesPerRun > 1 && _options.Width > 0 && _options.Height > 0;

    private bool Batchable(string path) => BatchesAtAll && BatchFrameDecoder.CanBatch(Path.GetFullPath(path));

    // Files that may share an ffmpeg run, in input order, cut into about one group per worker (at most
    // MaxFilesPerRun each); every other file is a group of its own.
    private List<int[]> Groups(IReadOnlyList<string> paths)
    {
        var groups = new List<int[]>();
        if (!BatchesAtAll)
        {
            for (int i = 0; i < paths.Count; i++) groups.Add([i]);
            return groups;
        }
        var batchable = new List<int>();
        for (int i = 0; i < paths.Count; i++)
        {
            if (!string.IsNullOrEmpty(paths[i]) && Batchable(paths[i])) batchable.Add(i);
            else groups.Add([i]);
        }
        groups.AddRange(batchable.Chunk(RunSize(batchable.Count, _parallelism, _maxFilesPerRun)));
        // In input order, so that without skipping (and one worker) the first bad file is the one that throws.
        groups.Sort((a, b) => a[0].CompareTo(b[0]));
        return groups;
    }

    /// <summary>
    /// Files per ffmpeg run so that the runs come in whole rounds of equal size: 20 files on 2 workers at most 8 a run
    /// are 4 runs of 5, not 8 + 8 + 4, where one worker would decode 12 files while the other waits after 8.
    /// </summary>
    internal static int RunSize(int files, int workers, int maxFilesPerRun)
    {
        int runs = Math.Max(1, (files + maxFilesPerRun - 1) / maxFilesPerRun);
        runs = (runs + workers - 1) / workers * workers;
        return Math.Clamp((files + runs - 1) / runs, 1, maxFilesPerRun);
    }

    private void DecodeGroup(IReadOnlyList<int> group, IReadOnlyList<string> paths, object?[] results, CancellationToken cancellationToken)
    {
        var pending = group.ToList();
        var run = new FrameRun(_options.Start, _options.Step, _options.Count < 0 ? -1 : _options.Count);
        while (pending.Count > 0)
        {
            var full = pending.Select(i => Path.GetFullPath(paths[i])).ToArray();
            var outcome = BatchFrameDecoder.Decode(full, run, _options.Width, _options.Height, _options.Format, _tools, cancellationToken);
            if (outcome.Culprit is { } bad && pending.Count > 1)
            {
                // ffmpeg named the input that stopped the run: that one alone, the rest again together.
                int index = pending[bad];
                results[index] = DecodeOne(index, paths[index], cancellationToken);
                pending.RemoveAt(bad);
                continue;
            }
            if (outcome.Failed && pending.Count > 2)
            {
                // The run failed without naming an input (decoder errors name no file): halve it until it is found.
                int half = pending.Count / 2;
                DecodeGroup(pending[..half], paths, results, cancellationToken);
                DecodeGroup(pending[half..], paths, results, cancellationToken);
                return;
            }
            for (int k = 0; k < pending.Count; k++)
            {
                int index = pending[k];
                results[index] = outcome.Results[k] is { } d
                    ? new DecodedVideo(index, full[k], d.Frames, d.Fps)
                    : DecodeOne(index, paths[index], cancellationToken);
            }
            return;
        }
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
