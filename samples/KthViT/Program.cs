// The KTH FrameViT study: FrameViT on KTH Actions, a sweep over patch sizes 8/16/32/64, and the CNN-LSTM baseline.
using System.Globalization;
using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Models;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Runs;
using VideoTransformers.Zoo;
using static TorchSharp.torch;

string[] known = ["data", "split", "epochs", "batch-size", "out", "threads", "subsequences"];
if (args.FirstOrDefault(a => a.StartsWith("--") && !known.Contains(a[2..])) is { } bad)
{
    Console.Error.WriteLine($"unknown option {bad}; known: {string.Join(" ", known.Select(k => "--" + k))}");
    return 2;
}
string Arg(string name, string fallback) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

var dataDir = Arg("data", Path.Combine("..", "shared", "data", "kth"));
var split = ParseSplit(Arg("split", "seed"));
var training = TrainingConfig.Seed000 with { Epochs = int.Parse(Arg("epochs", "3")), BatchSize = int.Parse(Arg("batch-size", "32")) };
var outDir = Arg("out", Path.Combine("runs", "kth-vit"));
var threads = int.Parse(Arg("threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
if (threads < 1)
{
    // libtorch aborts the process on set_num_threads(0) instead of throwing.
    Console.Error.WriteLine($"--threads must be at least 1, got {threads}");
    return 2;
}
set_num_threads(threads);
using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));

// The KTH FrameViT study's sampling: a random 80-frame window, every 8th frame, 64×64 gray → clips [10, 1, 64, 64].
// With --subsequences every range of 00sequences.txt becomes a sample of its own.
var subsequences = args.Contains("--subsequences");
var sampling = new KthSamplingOptions(UseSubsequences: subsequences);
var sequences = subsequences ? KthSequences.Load(Path.Combine(dataDir, "00sequences.txt")) : null;
var layout = KthLayout.Discover(dataDir);
// Decoding dominates an epoch on CPU; the cache decodes every clip once and memory-maps the frames afterwards.
var cacheRoot = Environment.GetEnvironmentVariable("VT_CACHE") ?? Path.Combine(
    Environment.GetEnvironmentVariable("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
    "videotransformers");
using var cache = Preprocessing.BuildKthFrameCache(layout.Clips, sampling, Path.Combine(cacheRoot, "kth"), logger: logs.CreateLogger("cache"));
KthDataset Part(DatasetSplit part) => KthDataset.Create(layout, split, part, sampling, sequences, cache);
var (train, val, test) = (Part(DatasetSplit.Train), Part(DatasetSplit.Validation), Part(DatasetSplit.Test));
if (train.Count == 0)
{
    var persons = string.Join(",", layout.Clips.Select(c => c.Person).Distinct().Order());
    Console.Error.WriteLine($"split '{split.Name}' has no training clips in {layout.Root} (persons {persons}); try --split custom:TRAIN/VAL/TEST");
    return 2;
}
Console.WriteLine($"KTH split {split.Name}: {train.Count} train, {val.Count} validation, {test.Count} test samples");

// Flips and ±25° rotations only on the training side; evaluation sees the deterministic central window.
using var trainLoader = new DataLoader(train, new DataLoaderOptions(training.BatchSize, Seed: training.DataSeed), TransformPresets.Seed000Spatial());
using var valLoader = val.Count > 0 ? new DataLoader(val, DataLoaderOptions.Evaluation(training.BatchSize)) : null;
using var testLoader = test.Count > 0 ? new DataLoader(test, DataLoaderOptions.Evaluation(training.BatchSize)) : null;

(string Name, string Patch, ModelSpec Spec)[] runs =
[
    ("frame-vit-p8", "8", new ModelSpec { Model = "frame-vit", FrameViT = FrameViTConfig.KthPatch8 }),
    ("frame-vit-p16", "16", new ModelSpec { Model = "frame-vit", FrameViT = FrameViTConfig.KthDefault }),
    ("frame-vit-p32", "32", new ModelSpec { Model = "frame-vit", FrameViT = FrameViTConfig.KthPatch32 }),
    ("frame-vit-p64", "64", new ModelSpec { Model = "frame-vit", FrameViT = FrameViTConfig.KthPatch64 }),
    ("cnn-lstm", "-", new ModelSpec { Model = "cnn-lstm", Rnn = RnnConfig.KthCnnLstm }),
];
var rows = new List<string>();
foreach (var (name, patch, spec) in runs)
{
    // Reseeding before each build gives every model the same start, so the sweep compares architectures, not luck.
    manual_seed(training.Seed);
    using var model = spec.Build();
    using var trainer = new Trainer(model, training, new TrainerOptions { RunDirectory = Path.Combine(outDir, name), ModelSpec = spec },
        logs.CreateLogger(name));
    var r = trainer.Fit(trainLoader, valLoader, testLoader);
    var accuracy = r.Test is { } t ? t.Top1.ToString("P1", CultureInfo.InvariantCulture) : "no test split";
    rows.Add($"{name,-14} {patch,5} {r.ParameterCount,12:N0} {r.FlopsPerClip / 1e9,11:F3} {accuracy,13} {r.TrainSeconds,9:F1}");
}

logs.Dispose();   // flushes the console logger's queue, so its last lines do not land inside the table
Console.WriteLine($"\n{"model",-14} {"patch",5} {"parameters",12} {"GFLOPs/clip",11} {"test accuracy",13} {"train s",9}");
rows.ForEach(Console.WriteLine);
Console.WriteLine($"Run folders (checkpoints, metrics.csv, TensorBoard events): {Path.GetFullPath(outDir)}");
return 0;

// seed | schuldt | custom:TRAIN/VAL/TEST with comma-separated person numbers (VAL may be empty).
static KthSplit ParseSplit(string s)
{
    if (s == "seed") return KthSplit.Seed;
    if (s == "schuldt") return KthSplit.Schuldt;
    var parts = s.StartsWith("custom:", StringComparison.Ordinal) ? s[7..].Split('/') : [];
    if (parts.Length != 3) throw new ArgumentException($"--split must be seed, schuldt or custom:TRAIN/VAL/TEST, got '{s}'");
    static int[] Persons(string p) => p.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
    return KthSplit.Custom(Persons(parts[0]), Persons(parts[1]), Persons(parts[2]));
}
