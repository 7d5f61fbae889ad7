// The KTH FrameViT study: FrameViT on KTH Actions, a sweep over patch sizes 8/16/32/64, and the CNN-LSTM baseline.
using System.Globalization;
using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Sources;
using VideoTransformers.Models;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Runs;
using VideoTransformers.Zoo;
using static TorchSharp.torch;
using VideoTransformers.Torch;

string[] known = ["data", "split", "epochs", "batch-size", "out", "threads", "subsequences"];
if (args.FirstOrDefault(a => a.StartsWith("--") && !known.Contains(a[2..])) is { } bad)
{
    Console.Error.WriteLine($"unknown option {bad}; known: {string.Join(" ", known.Select(k => "--" + k))}");
    return 2;
}
string Arg(string name, string fallback) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

var dataDir = Arg("data", Path.Combine("..", "shared", "data", "kth"));
var split = Arg("split", "seed");
var training = TrainingConfig.Seed000 with { Epochs = int.Parse(Arg("epochs", "3")), BatchSize = int.Parse(Arg("batch-size", "32")) };
var outDir = Arg("out", Path.Combine("runs", "kth-vit"));
var threads = int.Parse(Arg("threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
try
{
    TorchThreads.Set(threads);
}
catch (ArgumentOutOfRangeException e)
{
    Console.Error.WriteLine($"--threads: {e.Message}");
    return 2;
}
using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));

// The KTH FrameViT study's sampling (the library's KTH defaults): a random 80-frame window, every 8th frame, 64×64 gray → clips
// [10, 1, 64, 64], decoded once into a memory-mapped frame cache; with --subsequences every range of 00sequences.txt
// becomes a sample of its own. Flips and ±25° rotations only on the training side; evaluation sees the central window.
DataBundle data;
try
{
    data = DataSources.Build("kth", dataDir, new DataOptions
    {
        BatchSize = training.BatchSize, Seed = training.DataSeed, KthSplit = split, KthSubsequences = args.Contains("--subsequences"),
    }, logs.CreateLogger("kth"));
}
catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
using var _ = data;

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
    var r = trainer.Fit(data.Train, data.Validation, data.Test);
    var accuracy = r.Test is { } t ? t.Top1.ToString("P1", CultureInfo.InvariantCulture) : "no test split";
    rows.Add($"{name,-14} {patch,5} {r.ParameterCount,12:N0} {r.FlopsPerClip / 1e9,11:F3} {accuracy,13} {r.TrainSeconds,9:F1}");
}

logs.Dispose();   // flushes the console logger's queue, so its last lines do not land inside the table
Console.WriteLine($"\n{"model",-14} {"patch",5} {"parameters",12} {"GFLOPs/clip",11} {"test accuracy",13} {"train s",9}");
rows.ForEach(Console.WriteLine);
Console.WriteLine($"Run folders (checkpoints, metrics.csv, TensorBoard events): {Path.GetFullPath(outDir)}");
return 0;

