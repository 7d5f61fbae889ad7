using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Data.Video;

namespace VideoTransformers.Data.Sources;

/// <summary>
/// Assembles the datasets the library reads (synthetic motion, KTH, UCF101, MedMNIST 3D) into <see cref="DataBundle"/>s:
/// splits, frame caches, loaders and training augmentation, as <c>vt</c> and the samples use them.
/// </summary>
public static class DataSources
{
    /// <summary>The dataset names.</summary>
    public static readonly string[] Names = { "synthetic", "kth", "ucf101", "medmnist3d" };

    /// <summary>Default cache folder for decoded frames.</summary>
    public static string CacheRoot => Environment.GetEnvironmentVariable("VT_CACHE")
        ?? Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "videotransformers");

    /// <summary>What <paramref name="dataset"/> reads from its path, or null for a dataset without one (synthetic).</summary>
    /// <exception cref="ArgumentException"><paramref name="dataset"/> is not one of <see cref="Names"/>.</exception>
    public static string? PathDescription(string dataset) => dataset switch
    {
        "synthetic" => null,
        "kth" => "a folder of KTH clips",
        "ucf101" => "a folder holding UCF-101/ and ucfTrainTestlist/",
        "medmnist3d" => "a *mnist3d.npz file",
        _ => throw new ArgumentException($"Unknown dataset '{dataset}'; expected {string.Join("|", Names)}.", nameof(dataset)),
    };

    /// <summary>Builds the bundle for <paramref name="dataset"/> (one of <see cref="Names"/>) read from <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">An unknown dataset, a missing path, or a bad <see cref="DataOptions.KthSplit"/>.</exception>
    public static DataBundle Build(string dataset, string? path, DataOptions o, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(logger);
        if (PathDescription(dataset) is { } needs && path is null)
            throw new ArgumentException($"The {dataset} dataset needs a path: {needs}.", nameof(path));
        return dataset switch
        {
            "kth" => Kth(path!, o, logger),
            "ucf101" => Ucf101(path!, o, logger),
            "medmnist3d" => MedMnist(path!, o, logger),
            _ => Synthetic(o),
        };
    }

    private static DataLoaderOptions Loader(DataOptions o, bool train) =>
        train ? new DataLoaderOptions(o.BatchSize, Shuffle: true, DropLast: false, Seed: o.Seed, Workers: o.Workers)
              : DataLoaderOptions.Evaluation(o.BatchSize, o.Workers);

    /// <summary>
    /// The synthetic motion set (generated in code; no download). Without <paramref name="options"/> its clips have the
    /// length and (square) size <paramref name="o"/> asks for, else its defaults.
    /// </summary>
    public static DataBundle Synthetic(DataOptions o, SyntheticMotionOptions? options = null)
    {
        if (options is null)
        {
            var defaults = new SyntheticMotionOptions();
            options = defaults with
            {
                SamplesPerClass = o.SyntheticSamplesPerClass, Seed = o.Seed,
                // Generated frames have no source window: the window and stride only say how many there are.
                Frames = o.ClipWindow is { } window ? FrameSlicing.Length(window, o.ClipStride ?? 1) : defaults.Frames,
                Size = o.FrameHeight ?? o.FrameWidth ?? defaults.Size,
            };
        }
        var set = new SyntheticMotion(options);
        var test = set.Split(DatasetSplit.Test);
        var validation = set.Split(DatasetSplit.Validation);
        var b = new DataBundle
        {
            Name = "synthetic", ClassNames = set.ClassNames,
            SampleShape = new long[] { set.Options.Frames, 1, set.Options.Size, set.Options.Size },
            // No flips or reversal here: they would turn "left" into "right" and "grow" into "shrink".
            Train = new DataLoader(set.Split(DatasetSplit.Train), Loader(o, true)),
            Validation = new DataLoader(validation, Loader(o, false)),
            Test = new DataLoader(test, Loader(o, false)),
            TestDataset = test,
            ValidationDataset = validation,
        };
        b.Own((IDisposable)b.Train);
        b.Own((IDisposable)b.Validation);
        b.Own((IDisposable)b.Test);
        return b;
    }

    private static DataBundle Kth(string root, DataOptions o, ILogger logger)
    {
        // The split is checked before anything is decoded: a typo must not wait for the frame cache.
        var split = ParseKthSplit(o.KthSplit);
        var layout = KthLayout.Discover(root);
        var seqPath = Path.Combine(root, "00sequences.txt");
        var sequences = File.Exists(seqPath) ? KthSequences.Load(seqPath) : null;
        if (o.KthSubsequences && sequences is null)
            throw new FileNotFoundException($"KTH subsequences need {seqPath} (KTH's 00sequences.txt), which does not exist.", seqPath);
        var defaults = new KthSamplingOptions();
        var sampling = new KthSamplingOptions(ClipLength: o.ClipWindow ?? defaults.ClipLength, Step: o.ClipStride ?? defaults.Step,
            Width: o.FrameWidth ?? defaults.Width, Height: o.FrameHeight ?? defaults.Height, UseSubsequences: o.KthSubsequences);
        // One folder per frame size: a cache is rewritten whenever its size changes, and runs (or the wider multi-view
        // test set) at another size must not rewrite the one in use.
        string CacheDir(KthSamplingOptions s) => Path.Combine(o.CacheRoot ?? CacheRoot, "kth", $"{s.Width}x{s.Height}");
        var cacheDir = CacheDir(sampling);
        var cache = Preprocessing.BuildKthFrameCache(layout.Clips, sampling, cacheDir);
        KthDataset Part(DatasetSplit p) => KthDataset.Create(layout, split, p, sampling, sequences, cache);
        var train = Part(DatasetSplit.Train);
        if (train.Count == 0) throw new InvalidDataException($"The KTH training split '{split.Name}' has no clips under {root}; the folder holds persons {string.Join(",", layout.Clips.Select(c => c.Person).Distinct().Order())}. Choose a custom split (custom:TRAIN/VAL/TEST).");
        var val = Part(DatasetSplit.Validation);
        var test = Part(DatasetSplit.Test);
        FrameCache? viewCache = null;
        if (o.ViewClips > 1 || o.ViewWide)
        {
            // Longer and wider test clips, so that N temporal windows and three crops are really different views.
            var viewSampling = sampling with { ClipLength = sampling.ClipLength * o.ViewClips, Width = o.ViewWide ? sampling.Height * 4 / 3 : sampling.Width };
            viewCache = Preprocessing.BuildKthFrameCache(layout.Clips, viewSampling, CacheDir(viewSampling));
            test = KthDataset.Create(layout, split, DatasetSplit.Test, viewSampling, sequences, viewCache);
        }
        logger.LogInformation("KTH {Split}: {Train} train, {Val} validation, {Test} test clips", split.Name, train.Count, val.Count, test.Count);
        var b = new DataBundle
        {
            Name = "kth", ClassNames = train.ClassNames, SampleShape = new long[] { sampling.Frames, 1, sampling.Height, sampling.Width },
            Train = new DataLoader(train, Loader(o, true), o.Augment ? TransformPresets.Seed000Spatial() : null),
            Validation = val.Count > 0 ? new DataLoader(val, Loader(o, false)) : null,
            ValidationDataset = val.Count > 0 ? val : null,
            Test = test.Count > 0 ? new DataLoader(test, Loader(o, false)) : null,
            TestDataset = test.Count > 0 ? test : null,
        };
        foreach (var s in new[] { b.Train, b.Validation, b.Test }) if (s is IDisposable d) b.Own(d);
        b.Own(cache);
        if (viewCache is not null) b.Own(viewCache);
        return b;
    }

    /// <summary>Parses seed | schuldt | custom:TRAIN/VAL/TEST (comma-separated person ids, VAL may be empty).</summary>
    /// <exception cref="ArgumentException"><paramref name="s"/> is none of these.</exception>
    public static KthSplit ParseKthSplit(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s == "seed") return KthSplit.Seed;
        if (s == "schuldt") return KthSplit.Schuldt;
        if (s.StartsWith("custom:", StringComparison.Ordinal))
        {
            var parts = s[7..].Split('/');
            if (parts.Length != 3) throw new ArgumentException($"A custom KTH split (custom:TRAIN/VAL/TEST) needs three person lists, got '{s}'.", nameof(s));
            int[] Ids(string p) => p.Length == 0 ? Array.Empty<int>() : p.Split(',').Select(x => int.TryParse(x, out var v) ? v : throw new ArgumentException($"Bad KTH person id '{x}' in '{s}'.", nameof(s))).ToArray();
            return KthSplit.Custom(Ids(parts[0]), Ids(parts[1]), Ids(parts[2]));
        }
        throw new ArgumentException($"A KTH split is seed, schuldt or custom:TRAIN/VAL/TEST, got '{s}'.", nameof(s));
    }

    private static DataBundle Ucf101(string root, DataOptions o, ILogger logger)
    {
        var videos = Directory.Exists(Path.Combine(root, "UCF-101")) ? Path.Combine(root, "UCF-101") : root;
        var lists = Path.Combine(root, "ucfTrainTestlist");
        var layout = Ucf101Layout.Load(videos, lists, skipMissingVideos: true, logger);
        // Defaults: 8 consecutive frames of 112x112, clips side by side; a configuration's window, stride and size replace them.
        var stride = o.ClipStride ?? 1;
        var frames = o.ClipWindow is { } window ? FrameSlicing.Length(window, stride) : 8;
        var clip = new Ucf101ClipOptions(FramesPerClip: frames, StepBetweenClips: frames * stride, FrameRate: null,
            Width: o.FrameWidth ?? 112, Height: o.FrameHeight ?? 112, FrameStride: stride);
        var trainVideos = layout.GetSplit(o.Fold, DatasetSplit.Train);
        var testVideos = layout.GetSplit(o.Fold, DatasetSplit.Test);
        FrameCache? Cache(Ucf101ClipOptions c) => o.Ucf101FrameCache
            // One folder per frame size, as for KTH; the fold's train and test videos share it (every fold covers them all).
            ? Preprocessing.BuildUcf101FrameCache([.. trainVideos, .. testVideos], c,
                Path.Combine(o.CacheRoot ?? CacheRoot, "ucf101", $"{c.Width}x{c.Height}"), logger: logger)
            : null;
        var trainCache = Cache(clip);
        var train = new Ucf101Dataset(trainVideos, layout.ClassNames, clip, cache: trainCache);
        // One long (and, for three crops, 4:3) clip per video, from which the evaluator cuts its views.
        var testClip = o.ViewClips > 1 || o.ViewWide
            ? clip with { FramesPerClip = clip.FramesPerClip * o.ViewClips, StepBetweenClips = int.MaxValue / 2, Width = o.ViewWide ? 149 : clip.Width }
            : clip;
        var testCache = testClip.Width == clip.Width && testClip.Height == clip.Height ? trainCache : Cache(testClip);
        var test = new Ucf101Dataset(testVideos, layout.ClassNames, testClip, cache: testCache);
        var b = new DataBundle
        {
            Name = "ucf101", ClassNames = layout.ClassNames, SampleShape = new long[] { clip.FramesPerClip, 3, clip.Height, clip.Width },
            Train = new DataLoader(train, Loader(o, true), o.Augment ? new RandomHorizontalFlip() : null),
            Test = test.Count > 0 ? new DataLoader(test, Loader(o, false)) : null,
            TestDataset = test.Count > 0 ? test : null,
        };
        foreach (var s in new[] { b.Train, b.Test }) if (s is IDisposable d) b.Own(d);
        foreach (var c in new[] { trainCache, testCache }.OfType<FrameCache>().Distinct()) b.Own(c);
        return b;
    }

    private static DataBundle MedMnist(string file, DataOptions o, ILogger logger)
    {
        var data = MedMnist3D.Load(file, logger);
        var b = new DataBundle
        {
            Name = "medmnist3d:" + data.Flag, ClassNames = data.ClassNames, SampleShape = new long[] { data.Depth, 1, data.Height, data.Width },
            Train = new DataLoader(data.Train, Loader(o, true), o.Augment ? TransformPresets.VolumeAugmentation() : null),
            Validation = new DataLoader(data.Validation, Loader(o, false)),
            ValidationDataset = data.Validation,
            Test = new DataLoader(data.Test, Loader(o, false)),
            TestDataset = data.Test,
        };
        foreach (var s in new[] { b.Train, b.Validation, b.Test }) if (s is IDisposable d) b.Own(d);
        return b;
    }

    /// <summary>One clip of a dataset as model input [1, T, C, H, W] plus its frames as bytes, for attention overlays.</summary>
    public static (TorchSharp.torch.Tensor clip, byte[] frames, int height, int width, int channels)? Sample(IVideoDataset? dataset)
    {
        if (dataset is null || dataset.Count == 0) return null;
        var s = dataset.GetSample(0);
        var clip = ClipTensors.FromFrames(s.Frames).unsqueeze(0).DetachFromDisposeScope();
        return (clip, s.Frames.Data, s.Frames.Height, s.Frames.Width, s.Frames.Channels);
    }

    /// <summary>Decodes <paramref name="frames"/> frames spread uniformly over a video at the given size (for predict).</summary>
    public static VideoFrames DecodeUniform(string path, int frames, int height, int width, int channels)
    {
        using var reader = VideoReader.Open(path);
        var n = Math.Max(1, reader.FrameCount);
        var indices = Enumerable.Range(0, frames).Select(i => (int)Math.Min(n - 1, (long)i * n / frames)).ToList();
        return reader.DecodeIndices(indices, width, height, channels == 1 ? PixelFormat.Gray : PixelFormat.Rgb);
    }
}
