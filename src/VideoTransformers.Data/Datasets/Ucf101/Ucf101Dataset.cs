using VideoTransformers.Data.Video;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// UCF101 clips in RGB: every sample is one <see cref="VideoClips"/> clip of a video of the chosen fold and
/// part, so a video contributes as many samples as it has clips.
/// </summary>
public sealed class Ucf101Dataset : IVideoDataset
{
    /// <summary>Creates the dataset over <paramref name="videos"/>, reading their frame counts unless <paramref name="metadata"/> is given.</summary>
    public Ucf101Dataset(IReadOnlyList<Ucf101Video> videos, IReadOnlyList<string> classNames, Ucf101ClipOptions? options = null,
        IReadOnlyList<VideoMetadata>? metadata = null, int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(videos);
        ArgumentNullException.ThrowIfNull(classNames);
        Options = options ?? new Ucf101ClipOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(Options.Width, nameof(Options.Width));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.Height, nameof(Options.Height));
        Videos = videos;
        ClassNames = classNames;
        Clips = new VideoClips(videos.Select(v => v.FilePath).ToList(), Options.FramesPerClip, Options.StepBetweenClips,
            Options.FrameRate, metadata, maxDegreeOfParallelism, Options.FrameStride);
    }

    /// <summary>The dataset of fold <paramref name="fold"/> (1–3), train or test part, of <paramref name="layout"/>.</summary>
    public static Ucf101Dataset Create(Ucf101Layout layout, int fold, DatasetSplit part, Ucf101ClipOptions? options = null, int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return new Ucf101Dataset(layout.GetSplit(fold, part), layout.ClassNames, options, null, maxDegreeOfParallelism);
    }

    /// <summary>Clip options.</summary>
    public Ucf101ClipOptions Options { get; }

    /// <summary>The videos, in list order.</summary>
    public IReadOnlyList<Ucf101Video> Videos { get; }

    /// <summary>The clip index: which video and start frame each sample is.</summary>
    public VideoClips Clips { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc />
    public int Count => Clips.Count;

    /// <inheritdoc />
    public int GetLabel(int index) => Videos[Clips.Locate(index).Video].Label;

    /// <summary>Loads clip <paramref name="index"/>; clips are fixed, so <paramref name="random"/> is not used.</summary>
    public VideoSample GetSample(int index, Random? random = null) =>
        new(Clips.GetClip(index, Options.Width, Options.Height, PixelFormat.Rgb), GetLabel(index));
}
