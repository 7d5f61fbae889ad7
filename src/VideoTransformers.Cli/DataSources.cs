using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Data.Video;
using VideoTransformers.Training.Configuration;

namespace VideoTransformers.Cli;

/// <summary>Options shared by the commands that read a dataset.</summary>
public sealed record DataOptions
{
    /// <summary>Batch size.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Data-pipeline seed (shuffling and augmentation).</summary>
    public int Seed { get; init; }
    /// <summary>Background loader workers.</summary>
    public int Workers { get; init; }
    /// <summary>Random augmentation of the training split.</summary>
    public bool Augment { get; init; } = true;
    /// <summary>KTH split: seed, schuldt, or custom:TRAIN/VAL/TEST with comma-separated person ids.</summary>
    public string KthSplit { get; init; } = "seed";
    /// <summary>KTH: every subsequence of 00sequences.txt is its own sample (about 4 per video) instead of one window per video.</summary>
    public bool KthSubsequences { get; init; }
    /// <summary>UCF101 fold (1–3).</summary>
    public int Fold { get; init; } = 1;
    /// <summary>Synthetic clips per class.</summary>
    public int SyntheticSamplesPerClass { get; init; } = 128;
    /// <summary>
    /// For multi-view evaluation: the test split returns clips this many times longer than the model input, from which
    /// the views are cut (1 = model-sized clips).
    /// </summary>
    public int ViewClips { get; init; } = 1;
    /// <summary>For multi-view evaluation with three crops: test frames keep a 4:3 aspect, wider than the model input.</summary>
    public bool ViewWide { get; init; }
    /// <summary>Source frames a clip is cut from (<c>max_frames</c>); null keeps the dataset's window.</summary>
    public int? ClipWindow { get; init; }
    /// <summary>Keep every n-th frame of the window (<c>slicing_step</c>); null keeps the dataset's stride.</summary>
    public int? ClipStride { get; init; }
    /// <summary>Frame height (<c>image_height</c>); null keeps the dataset's.</summary>
    public int? FrameHeight { get; init; }
    /// <summary>Frame width (<c>image_width</c>); null keeps the dataset's.</summary>
    public int? FrameWidth { get; init; }
    /// <summary>The folder of decoded-frame caches; null for <see cref="DataSources.CacheRoot"/>.</summary>
    public string? CacheRoot { get; init; }

    /// <summary>
    /// These options with the clip geometry <paramref name="model"/> asks for: its window (<c>max_frames</c>), stride
    /// (<see cref="ModelOptions.EffectiveSlicingStep"/>) and frame size, so the samplers cut the clips the configured
    /// model expects (both lengths come from <see cref="FrameSlicing.Length(long, long)"/>). What it leaves out stays
    /// the dataset's default.
    /// </summary>
    public DataOptions WithClipGeometry(ModelOptions model) => this with
    {
        // The loader caps these keys far inside int; a ModelOptions built in code with larger ones fails here, not later.
        ClipWindow = checked((int?)model.MaxFrames),
        ClipStride = checked((int?)model.EffectiveSlicingStep),
        FrameHeight = checked((int?)model.ImageHeight),
        FrameWidth = checked((int?)model.ImageWidth),
    };
}

/// <summary>A dataset's train/validation/test batch sources and the facts a model needs.</summary>
public sealed class DataBundle : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    /// <summary>Dataset name.</summary>
    public required string Name { get; init; }
    /// <summary>Class names.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }
    /// <summary>One sample's shape [T, C, H, W].</summary>
    public required long[] SampleShape { get; init; }
    /// <summary>Training batches.</summary>
    public required IBatchSource Train { get; init; }
    /// <summary>Validation batches (model selection), or null.</summary>
    public IBatchSource? Validation { get; init; }
    /// <summary>Test batches, or null.</summary>
    public IBatchSource? Test { get; init; }
    /// <summary>The raw test split (for multi-view evaluation and attention samples).</summary>
    public IVideoDataset? TestDataset { get; init; }
    /// <summary>The raw validation split (for test-time augmentation on validation), or null.</summary>
    public IVideoDataset? ValidationDataset { get; init; }

    internal T Own<T>(T d) where T : IDisposable
    {
        _owned.Add(d);
        return d;
    }

    /// <summary>Frees the loaders.</summary>
    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }
}

/// <summary>Builds <see cref="DataBundle"/>s for the datasets the CLI knows.</summary>
public static class DataSources
{
    /// <summary>The dataset names.</summary>
    public static readonly string[] Names = { "synthetic", "kth", "ucf101", "medmnist3d" };

    /// <summary>Default cache folder for decoded frames.</summary>
    public static string CacheRoot => Environment.GetEnvironmentVariable("VT_CACHE")
        ?? Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "videotransformers");

    /// <summary>Builds the bundle for <paramref name="dataset"/> read from <paramref name="path"/>.</summary>
    public static DataBundle Build(string dataset, string? path, DataOptions o, ILogger logger) => dataset switch
    {
        "synthetic" => Synthetic(o),
        "kth" => Kth(path ?? throw new UsageException("--data PATH (a folder of KTH clips) is required for kth."), o, logger),
        "ucf101" => Ucf101(path ?? throw new UsageException("--data PATH (holding UCF-101/ and ucfTrainTestlist/) is required for ucf101."), o, logger),
        "medmnist3d" => MedMnist(path ?? throw new UsageException("--data FILE (a *mnist3d.npz) is required for medmnist3d."), o, logger),
        _ => throw new UsageException($"Unknown dataset '{dataset}'; expected {string.Join("|", Names)}."),
    };

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
        var layout = KthLayout.Discover(root);
        var seqPath = Path.Combine(root, "00sequences.txt");
        var sequences = File.Exists(seqPath) ? KthSequences.Load(seqPath) : null;
        if (o.KthSubsequences && sequences is null)
            throw new UsageException($"--subsequences needs {seqPath} (KTH's 00sequences.txt).");
        var defaults = new KthSamplingOptions();
        var sampling = new KthSamplingOptions(ClipLength: o.ClipWindow ?? defaults.ClipLength, Step: o.ClipStride ?? defaults.Step,
            Width: o.FrameWidth ?? defaults.Width, Height: o.FrameHeight ?? defaults.Height, UseSubsequences: o.KthSubsequences);
        // One folder per frame size: a cache is rewritten whenever its size changes, and runs (or the wider multi-view
        // test set) at another size must not rewrite the one in use.
        string CacheDir(KthSamplingOptions s) => Path.Combine(o.CacheRoot ?? CacheRoot, "kth", $"{s.Width}x{s.Height}");
        var cacheDir = CacheDir(sampling);
        var cache = Preprocessing.BuildKthFrameCache(layout.Clips, sampling, cacheDir);
        var split = ParseKthSplit(o.KthSplit);
        KthDataset Part(DatasetSplit p) => KthDataset.Create(layout, split, p, sampling, sequences, cache);
        var train = Part(DatasetSplit.Train);
        if (train.Count == 0) throw new InvalidDataException($"The KTH training split '{split.Name}' has no clips under {root}; the folder holds persons {string.Join(",", layout.Clips.Select(c => c.Person).Distinct().Order())}. Use --split custom:TRAIN/VAL/TEST.");
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
    public static KthSplit ParseKthSplit(string s)
    {
        if (s == "seed") return KthSplit.Seed;
        if (s == "schuldt") return KthSplit.Schuldt;
        if (s.StartsWith("custom:", StringComparison.Ordinal))
        {
            var parts = s[7..].Split('/');
            if (parts.Length != 3) throw new UsageException($"--split custom:TRAIN/VAL/TEST needs three person lists, got '{s}'.");
            static int[] Ids(string p) => p.Length == 0 ? Array.Empty<int>() : p.Split(',').Select(x => int.TryParse(x, out var v) ? v : throw new UsageException($"Bad person id '{x}'.")).ToArray();
            return KthSplit.Custom(Ids(parts[0]), Ids(parts[1]), Ids(parts[2]));
        }
        throw new UsageException($"--split must be seed, schuldt or custom:TRAIN/VAL/TEST, got '{s}'.");
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
        var train = Ucf101Dataset.Create(layout, o.Fold, DatasetSplit.Train, clip);
        var test = o.ViewClips > 1 || o.ViewWide
            // One long (and, for three crops, 4:3) clip per video, from which the evaluator cuts its views.
            ? Ucf101Dataset.Create(layout, o.Fold, DatasetSplit.Test, clip with { FramesPerClip = clip.FramesPerClip * o.ViewClips, StepBetweenClips = int.MaxValue / 2, Width = o.ViewWide ? 149 : clip.Width })
            : Ucf101Dataset.Create(layout, o.Fold, DatasetSplit.Test, clip);
        var b = new DataBundle
        {
            Name = "ucf101", ClassNames = layout.ClassNames, SampleShape = new long[] { clip.FramesPerClip, 3, clip.Height, clip.Width },
            Train = new DataLoader(train, Loader(o, true), o.Augment ? new RandomHorizontalFlip() : null),
            Test = test.Count > 0 ? new DataLoader(test, Loader(o, false)) : null,
            TestDataset = test.Count > 0 ? test : null,
        };
        foreach (var s in new[] { b.Train, b.Test }) if (s is IDisposable d) b.Own(d);
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
