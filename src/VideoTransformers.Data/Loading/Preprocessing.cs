using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Data.Video;
using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Loading;

/// <summary>Long-running preparation steps, each reporting <c>(done, total)</c> progress as it goes.</summary>
public static class Preprocessing
{
    /// <summary>
    /// Opens, or decodes and writes, the <see cref="FrameCache"/> a <see cref="KthDataset"/> with <paramref name="options"/>
    /// reads from: whole clips in gray at the sampling size. Progress counts decoded videos (nothing is reported when an
    /// up-to-date cache is reused).
    /// </summary>
    public static FrameCache BuildKthFrameCache(IReadOnlyList<KthClip> clips, KthSamplingOptions options, string directory,
        IProgress<(int Done, int Total)>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var decode = new VideoDecodeOptions(options.Width, options.Height, PixelFormat.Gray);
        return FrameCache.OpenOrBuild(directory, clips.Select(c => c.FilePath).ToList(), decode, progress, logger, cancellationToken);
    }

    /// <summary>
    /// Opens, or decodes and writes, the <see cref="FrameCache"/> a <see cref="Ucf101Dataset"/> with <paramref name="options"/>
    /// reads from: whole videos in RGB at the clip size, each decoded once however many clips it holds. Progress counts
    /// decoded videos (nothing is reported when an up-to-date cache is reused).
    /// </summary>
    /// <remarks>
    /// The cache holds every frame: <c>frames × width × height × 3</c> bytes per video, about 6.5 MB for an average
    /// UCF101 video at 112×112, so about 90 GB for all 13,320. Choose the frame size (or a subset of videos) with that
    /// in mind; without a cache every clip is decoded by its own <c>ffmpeg</c> run instead.
    /// </remarks>
    /// <exception cref="FileNotFoundException">A video is missing.</exception>
    /// <exception cref="VideoDecodeException">A video cannot be decoded.</exception>
    public static FrameCache BuildUcf101FrameCache(IReadOnlyList<Ucf101Video> videos, Ucf101ClipOptions options, string directory,
        IProgress<(int Done, int Total)>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(videos);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Width, nameof(options.Width));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Height, nameof(options.Height));
        var decode = new VideoDecodeOptions(options.Width, options.Height, PixelFormat.Rgb);
        var paths = videos.Select(v => v.FilePath).Distinct(StringComparer.Ordinal).ToList();
        return FrameCache.OpenOrBuild(directory, paths, decode, progress, logger, cancellationToken);
    }

    /// <summary>
    /// Loads every sample of <paramref name="dataset"/> (deterministic windows), applies <paramref name="transform"/> with the
    /// per-sample <see cref="Random"/> of epoch 0, and stacks them into inputs <c>[N, T, C, H, W]</c> float32 and labels
    /// <c>[N]</c> int64 for a <see cref="TensorBatchSource"/>. Progress counts samples. The caller owns (and disposes) both tensors.
    /// </summary>
    /// <exception cref="DataLoaderException">A sample failed or has another shape than the first.</exception>
    public static (Tensor Inputs, Tensor Labels) Materialize(IVideoDataset dataset, ClipTransform? transform = null, int seed = 0,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Count == 0) throw new ArgumentException("The dataset is empty.", nameof(dataset));
        using var scope = NewDisposeScope();
        var clips = new Tensor[dataset.Count];
        var labels = new long[dataset.Count];
        for (int i = 0; i < dataset.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                // Inner scope per sample: the conversion's temporaries go at once instead of piling up until the end.
                using var sampleScope = NewDisposeScope();
                var (clip, label) = SampleCollator.Load(dataset, i, null, transform, new Random(LoaderSeeds.SampleSeed(seed, 0, i)));
                clips[i] = clip.contiguous().MoveToOuterDisposeScope();
                labels[i] = label;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw DataLoaderException.Wrap(e, i, 0, 0);
            }
            progress?.Report((i + 1, dataset.Count));
        }
        var inputs = SampleCollator.Stack(clips, Enumerable.Range(0, clips.Length).ToArray(), 0, 0);
        return (inputs.DetachFromDisposeScope(), tensor(labels).DetachFromDisposeScope());
    }
}
