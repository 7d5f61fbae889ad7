using VideoTransformers.Data.Video;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// UCF101 clips in RGB: every sample is one <see cref="VideoClips"/> clip of a video of the chosen fold and
/// part, so a video contributes as many samples as it has clips. Clips are decoded on demand, or cut from a
/// <see cref="FrameCache"/> of whole videos (see <see cref="Loading.Preprocessing.BuildUcf101FrameCache"/>).
/// </summary>
public sealed class Ucf101Dataset : IVideoDataset
{
    private readonly FrameCache? _cache;
    private readonly int[]? _cacheIndex;

    /// <summary>Creates the dataset over <paramref name="videos"/>.</summary>
    /// <param name="videos">The videos.</param>
    /// <param name="classNames">Class names, by label.</param>
    /// <param name="options">How videos are cut into clips; the defaults when null.</param>
    /// <param name="metadata">Frame counts and rates, one per video; read from the files (or the cache) when null.</param>
    /// <param name="maxDegreeOfParallelism">Files probed at once when metadata are read from the files.</param>
    /// <param name="cache">Whole videos decoded in RGB at the clip size; every video must be in it. Clips are then cut
    /// from it with no decoding, and the frame counts and rates come from it, so no video is opened at all.</param>
    /// <exception cref="ArgumentException">A video is missing from <paramref name="cache"/>, the cache holds frames of
    /// another size or format, or <paramref name="metadata"/> disagree with it.</exception>
    public Ucf101Dataset(IReadOnlyList<Ucf101Video> videos, IReadOnlyList<string> classNames, Ucf101ClipOptions? options = null,
        IReadOnlyList<VideoMetadata>? metadata = null, int maxDegreeOfParallelism = 1, FrameCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(videos);
        ArgumentNullException.ThrowIfNull(classNames);
        Options = options ?? new Ucf101ClipOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(Options.Width, nameof(Options.Width));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.Height, nameof(Options.Height));
        Videos = videos;
        ClassNames = classNames;
        if (cache is not null)
        {
            _cache = cache;
            _cacheIndex = CacheIndex(videos, cache, Options, metadata);
            metadata ??= _cacheIndex.Select(i => new VideoMetadata(cache.Entries[i].Frames, cache.Entries[i].Fps)).ToList();
        }
        Clips = new VideoClips(videos.Select(v => v.FilePath).ToList(), Options.FramesPerClip, Options.StepBetweenClips,
            Options.FrameRate, metadata, maxDegreeOfParallelism, Options.FrameStride);
    }

    /// <summary>The dataset of fold <paramref name="fold"/> (1–3), train or test part, of <paramref name="layout"/>.</summary>
    /// <param name="layout">The dataset's folders and split lists.</param>
    /// <param name="fold">Split fold, 1 to 3.</param>
    /// <param name="part">Train or test.</param>
    /// <param name="options">How videos are cut into clips.</param>
    /// <param name="maxDegreeOfParallelism">Files probed at once (without a cache).</param>
    /// <param name="cache">Whole videos decoded at the clip size; see the constructor.</param>
    public static Ucf101Dataset Create(Ucf101Layout layout, int fold, DatasetSplit part, Ucf101ClipOptions? options = null, int maxDegreeOfParallelism = 1,
        FrameCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return new Ucf101Dataset(layout.GetSplit(fold, part), layout.ClassNames, options, null, maxDegreeOfParallelism, cache);
    }

    /// <summary>The frame cache clips are cut from, or null when they are decoded on demand.</summary>
    public FrameCache? Cache => _cache;

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
    public VideoSample GetSample(int index, Random? random = null)
    {
        if (_cache is null) return new(Clips.GetClip(index, Options.Width, Options.Height, PixelFormat.Rgb), GetLabel(index));
        var (video, _) = Clips.Locate(index);
        return new(_cache.GetFrames(_cacheIndex![video], Clips.FrameIndices(index)), GetLabel(index));
    }

    // Where each video lies in the cache, after checking that the cache can stand in for decoding it.
    private static int[] CacheIndex(IReadOnlyList<Ucf101Video> videos, FrameCache cache, Ucf101ClipOptions options, IReadOnlyList<VideoMetadata>? metadata)
    {
        var index = new int[videos.Count];
        for (int v = 0; v < videos.Count; v++)
        {
            int i = cache.IndexOf(videos[v].FilePath);
            if (i < 0) throw new ArgumentException($"Frame cache '{cache.Directory}' has no entry for '{videos[v].FilePath}'.", nameof(cache));
            var e = cache.Entries[i];
            if (e.Channels != 3 || (options.Width > 0 && e.Width != options.Width) || (options.Height > 0 && e.Height != options.Height))
                throw new ArgumentException($"Frame cache '{cache.Directory}' holds {e.Width}x{e.Height}x{e.Channels} frames of '{videos[v].FilePath}', " +
                                            $"the dataset needs {Size(options.Width)}x{Size(options.Height)}x3.", nameof(cache));
            if (metadata is not null && v < metadata.Count && metadata[v].FrameCount != e.Frames)
                throw new ArgumentException($"The metadata give {metadata[v].FrameCount} frames for '{videos[v].FilePath}', the frame cache holds {e.Frames}.", nameof(metadata));
            index[v] = i;
        }
        return index;
    }

    private static string Size(int pixels) => pixels > 0 ? pixels.ToString(System.Globalization.CultureInfo.InvariantCulture) : "native";
}
