using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Loading;

/// <summary>
/// Multi-view evaluation batches: every video becomes <see cref="ViewsPerVideo"/> rows (N temporal clips × 1 or 3
/// spatial crops), and <see cref="Batch.Indices"/> holds the <b>video</b> index of each row, so an evaluator can average
/// the softmax of all views of a video (e.g. <c>ClassificationMetrics.AverageViewProbabilities</c>).
/// </summary>
/// <remarks>
/// Each video is loaded with the dataset's deterministic window (<c>GetSample(index, null)</c>), so give the dataset a window
/// long enough to hold several clips (for KTH, a large <see cref="KthSamplingOptions.ClipLength"/> with step 1). It is converted
/// to a float clip in [0, 1], passed through the pre-transform (e.g. <see cref="Resize"/> of the shorter side), cut into the
/// temporal views, each of those into the spatial views, and every view through the post-transform (e.g. <see cref="Normalize"/>).
/// Rows are ordered by video, then temporal view, then spatial view. Videos are never shuffled or dropped and every epoch
/// yields the same batches. Threads and workers behave as in <see cref="DataLoader"/>.
/// </remarks>
public sealed class MultiViewLoader : IBatchSource, IDisposable
{
    private readonly ClipTransform? _pre;
    private readonly ClipTransform? _post;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ILogger _logger;
    private bool _disposed;

    /// <summary>Creates the loader.</summary>
    /// <param name="dataset">The videos.</param>
    /// <param name="temporal">Cuts a video into clips (e.g. <see cref="UniformTemporalClips"/>).</param>
    /// <param name="spatial">Cuts a clip into crops (<see cref="ThreeCrop"/>, or <see cref="SingleView"/> of a <see cref="CenterCrop"/>).</param>
    /// <param name="options">Batching and workers.</param>
    /// <param name="preTransform">Applied to the whole video before the temporal views.</param>
    /// <param name="postTransform">Applied to every view.</param>
    /// <param name="logger">Receives progress messages.</param>
    public MultiViewLoader(IVideoDataset dataset, MultiViewTransform temporal, MultiViewTransform spatial, MultiViewOptions? options = null,
        ClipTransform? preTransform = null, ClipTransform? postTransform = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(temporal);
        ArgumentNullException.ThrowIfNull(spatial);
        Dataset = dataset;
        Temporal = temporal;
        Spatial = spatial;
        Options = (options ?? new MultiViewOptions()).Validate();
        _pre = preTransform;
        _post = postTransform;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// The usual set-up: resize the shorter side to <paramref name="cropSize"/>, take <paramref name="clips"/> uniformly spaced
    /// clips of <paramref name="frames"/> frames <paramref name="stride"/> apart, and a centre crop (<paramref name="crops"/> = 1)
    /// or three crops along the long side (<paramref name="crops"/> = 3) of <paramref name="cropSize"/> pixels.
    /// </summary>
    public static MultiViewLoader Create(IVideoDataset dataset, int clips, int frames, int stride, int crops, int cropSize,
        MultiViewOptions? options = null, ClipTransform? postTransform = null, ILogger? logger = null)
    {
        MultiViewTransform spatial = crops switch
        {
            1 => new SingleView(new CenterCrop(cropSize)),
            3 => new ThreeCrop(cropSize),
            _ => throw new ArgumentOutOfRangeException(nameof(crops), crops, "Use 1 (centre crop) or 3 (three crops)."),
        };
        return new MultiViewLoader(dataset, new UniformTemporalClips(clips, frames, stride), spatial, options,
            new Resize(cropSize), postTransform, logger);
    }

    /// <summary>The videos.</summary>
    public IVideoDataset Dataset { get; }

    /// <summary>The temporal views.</summary>
    public MultiViewTransform Temporal { get; }

    /// <summary>The spatial views of each temporal view.</summary>
    public MultiViewTransform Spatial { get; }

    /// <summary>Batching and workers.</summary>
    public MultiViewOptions Options { get; }

    /// <summary>Rows per video: temporal views × spatial views.</summary>
    public int ViewsPerVideo => Temporal.ViewCount * Spatial.ViewCount;

    /// <summary>Number of videos.</summary>
    public int VideoCount => Dataset.Count;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => Dataset.ClassNames;

    /// <summary>Rows per epoch: <see cref="VideoCount"/> × <see cref="ViewsPerVideo"/>.</summary>
    public int SampleCount => VideoCount * ViewsPerVideo;

    /// <inheritdoc />
    public int BatchCount => (VideoCount + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The batches; <paramref name="epoch"/> changes nothing, as evaluation views are deterministic.</summary>
    public IEnumerable<Batch> GetBatches(int epoch) => GetBatches(epoch, CancellationToken.None);

    /// <summary>The batches, stopping when <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="DataLoaderException">A video could not be loaded or cut into views (thrown during enumeration).</exception>
    public IEnumerable<Batch> GetBatches(int epoch, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _logger.LogDebug("Multi-view epoch {Epoch}: {Videos} videos x {Views} views in {Batches} batches", epoch, VideoCount, ViewsPerVideo, BatchCount);
        return Enumerate();

        IEnumerable<Batch> Enumerate()
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
            Batch Build(int b, CancellationToken ct)
            {
                int first = b * Options.BatchSize, n = Math.Min(Options.BatchSize, VideoCount - first);
                return BuildBatch(b, Enumerable.Range(first, n).ToArray(), epoch, ct);
            }
            foreach (var batch in BatchPipeline.Run(BatchCount, Build, Options.Workers, Options.Prefetch, linked.Token))
                yield return batch;
        }
    }

    /// <summary>All views of one video as <c>[ViewsPerVideo, T, C, H, W]</c>, in the caller's dispose scope.</summary>
    public Tensor GetViews(int video)
    {
        using var scope = NewDisposeScope();
        var (views, _) = ViewsOf(video);
        return SampleCollator.Stack(views, Enumerable.Repeat(video, views.Length).ToArray(), 0, 0).MoveToOuterDisposeScope();
    }

    private Batch BuildBatch(int batchIndex, int[] videos, int epoch, CancellationToken ct)
    {
        using var scope = NewDisposeScope();
        var rows = new List<Tensor>(videos.Length * ViewsPerVideo);
        var rowVideos = new List<int>(rows.Capacity);
        var labels = new List<long>(rows.Capacity);
        foreach (int video in videos)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var (views, label) = ViewsOf(video);
                rows.AddRange(views);
                rowVideos.AddRange(Enumerable.Repeat(video, views.Length));
                labels.AddRange(Enumerable.Repeat(label, views.Length));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw DataLoaderException.Wrap(e, video, epoch, batchIndex);
            }
        }
        var inputs = SampleCollator.Stack(rows, rowVideos, epoch, batchIndex);
        var y = tensor(labels.ToArray());
        return new Batch(inputs.DetachFromDisposeScope(), y.DetachFromDisposeScope(), rowVideos);
    }

    private (Tensor[] Views, long Label) ViewsOf(int video)
    {
        var random = new Random(LoaderSeeds.SampleSeed(0, 0, video));
        var (clip, label) = SampleCollator.Load(Dataset, video, null, _pre, random);
        var views = new List<Tensor>(ViewsPerVideo);
        foreach (var t in Temporal.Apply(clip))
        foreach (var s in Spatial.Apply(t))
        {
            var v = _post is null ? s : _post.Apply(s, random);
            views.Add(v.dtype == float32 ? v : v.to(float32));
        }
        if (views.Count != ViewsPerVideo)
            throw new InvalidOperationException($"Video {video} gave {views.Count} views instead of {ViewsPerVideo}.");
        return (views.ToArray(), label);
    }

    /// <summary>Stops running enumerations and refuses new ones.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}
