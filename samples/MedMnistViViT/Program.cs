// The Keras ViViT example (tubelet embedding, joint attention) on a MedMNIST 3-D volume set (OrganMNIST3D).
using System.Globalization;
using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Loading;
using VideoTransformers.Models;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Runs;
using VideoTransformers.Zoo;
using static TorchSharp.torch;
using VideoTransformers.Torch;

string[] known = ["data", "epochs", "batch-size", "limit", "out", "threads"];
if (args.FirstOrDefault(a => a.StartsWith("--") && !known.Contains(a[2..])) is { } bad)
{
    Console.Error.WriteLine($"unknown option {bad}; known: {string.Join(" ", known.Select(k => "--" + k))}");
    return 2;
}
string Arg(string name, string fallback) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

var file = Arg("data", Path.Combine("..", "shared", "data", "medmnist3d", "organmnist3d.npz"));
if (!File.Exists(file))
{
    Console.Error.WriteLine($"""
        error: '{Path.GetFullPath(file)}' does not exist.
        OrganMNIST3D (organmnist3d.npz, 11 organs) is not shipped with this repository and is NOT present in
        ../shared/data, which holds only AdrenalMNIST3D. Download organmnist3d.npz from the MedMNIST v2 release
        (https://medmnist.com) and pass it with --data, or run on any other *mnist3d.npz, for example:
          --data ../shared/data/medmnist3d/adrenalmnist3d.npz
        """);
    return 2;
}
// The Keras example trains 60 epochs of batch 32 with Adam(lr 1e-4, weight decay 1e-5); --limit keeps the first N
// volumes of every split, for a quick check that the pipeline runs.
var training = TrainingConfig.KerasViViT with
{
    Epochs = int.Parse(Arg("epochs", "60")), BatchSize = int.Parse(Arg("batch-size", "32")),
};
var limit = int.Parse(Arg("limit", int.MaxValue.ToString(CultureInfo.InvariantCulture)));
var outDir = Arg("out", Path.Combine("runs", "medmnist-vivit"));
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

// A volume is a clip whose frames are the depth slices: [N, D, 1, H, W]. The class names come from the file name.
var data = MedMnist3D.Load(file, logs.CreateLogger("medmnist"));
using var train = Source(data.Train, shuffle: true);
using var val = Source(data.Validation, shuffle: false);
using var test = Source(data.Test, shuffle: false);

// The preset is the Keras model (28³, tubelet 8³ with VALID truncation → 27 tokens, dim 128, 8 heads, 8 layers, mean
// pooling); only the class count and the volume size follow the file, so 64³ volumes give 8³ = 512 tokens.
var spec = new ModelSpec
{
    Model = "vivit",
    ViViT = ViViTConfig.KerasOrganMnist3D with
    {
        Classes = data.ClassNames.Count, Frames = data.Depth, ImageHeight = data.Height, ImageWidth = data.Width,
    },
};
manual_seed(training.Seed);
using var model = spec.Build();
using var trainer = new Trainer(model, training, new TrainerOptions { RunDirectory = outDir, ModelSpec = spec }, logs.CreateLogger("vivit"));
var result = trainer.Fit(train, val, test);

logs.Dispose();   // flushes the console logger's queue, so its last lines do not land inside the summary
var report = result.Test!;
// Binary sets (AdrenalMNIST3D, NoduleMNIST3D, …) report the AUC of class 1; multi-class ones a macro one-vs-rest AUC.
var auc = report.Auc ?? report.MacroAuc;
Console.WriteLine($"""

    {data.Flag}: {data.ClassNames.Count} classes ({string.Join(", ", data.ClassNames)}), {data.Depth}x{data.Height}x{data.Width}
    ViViT: {result.ParameterCount:N0} parameters, {result.FlopsPerClip / 1e9:F3} GFLOPs/volume, {result.CompletedEpochs} epochs in {result.TrainSeconds:F1} s (best epoch {result.BestEpoch})
    test accuracy {report.Top1:P1}, test AUC {auc:F3} on {report.Count} volumes
    run folder: {Path.GetFullPath(outDir)}
    """);
return 0;

// The whole split as one tensor batch source: MedMNIST fits in memory, and skipping per-sample decoding is much faster.
TensorBatchSource Source(MedMnist3DSplit split, bool shuffle)
{
    using var scope = NewDisposeScope();
    var (images, labels) = split.ToTensors();
    var n = Math.Min(limit, split.Count);
    return new TensorBatchSource(images.narrow(0, 0, n), labels.narrow(0, 0, n), training.BatchSize, data.ClassNames, shuffle, seed: training.DataSeed);
}
