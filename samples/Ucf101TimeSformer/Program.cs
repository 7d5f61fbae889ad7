// The UCF101 TimeSformer study: TimeSformer (divided space-time attention) on UCF101, evaluated per clip and per video.
using System.Globalization;
using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Models;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Evaluation;
using VideoTransformers.Training.Runs;
using VideoTransformers.Zoo;
using static TorchSharp.torch;
using VideoTransformers.Torch;

string[] known = ["data", "demo-split", "fold", "epochs", "batch-size", "frames", "size", "clip-step", "out", "threads"];
if (args.FirstOrDefault(a => a.StartsWith("--") && !known.Contains(a[2..])) is { } bad)
{
    Console.Error.WriteLine($"unknown option {bad}; known: {string.Join(" ", known.Select(k => "--" + k))}");
    return 2;
}
string Arg(string name, string fallback) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
int Int(string name, int fallback) => int.Parse(Arg(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var root = Arg("data", Path.Combine("..", "shared", "data", "ucf101"));
var demo = args.Contains("--demo-split");
var (frames, size, fold) = (Int("frames", 8), Int("size", 224), demo ? 1 : Int("fold", 1));
var outDir = Arg("out", Path.Combine("runs", "ucf101-timesformer"));
var threads = Int("threads", Environment.ProcessorCount);
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
if (size % 16 != 0)
{
    Console.Error.WriteLine($"--size must be a multiple of the patch size 16, got {size}");
    return 2;
}
if (demo) root = DemoSplit(root);
else if (!Directory.Exists(Path.Combine(root, "UCF-101")) || !Directory.Exists(Path.Combine(root, "ucfTrainTestlist")))
{
    Console.Error.WriteLine($"'{Path.GetFullPath(root)}' needs UCF-101/<Class>/*.avi and ucfTrainTestlist/ (classInd.txt, trainlist0N.txt, " +
                            "testlist0N.txt). The shared folder holds only two loose clips: add --demo-split to build a split over them.");
    return 2;
}

// torchvision's UCF101 semantics: every window of `frames` frames, `clip-step` apart, is a sample, resized to size².
var layout = Ucf101Layout.Load(Path.Combine(root, "UCF-101"), Path.Combine(root, "ucfTrainTestlist"), skipMissingVideos: true, logs.CreateLogger("ucf101"));
var clipOptions = new Ucf101ClipOptions(FramesPerClip: frames, StepBetweenClips: Int("clip-step", 4 * frames), Width: size, Height: size);
var train = Ucf101Dataset.Create(layout, fold, DatasetSplit.Train, clipOptions);
var test = Ucf101Dataset.Create(layout, fold, DatasetSplit.Test, clipOptions);
Console.WriteLine($"UCF101 fold {fold}: {layout.ClassNames.Count} classes, {train.Videos.Count} train videos ({train.Count} clips), " +
                  $"{test.Videos.Count} test videos ({test.Count} clips)");

// The UCF101 TimeSformer study's model with the clip length, frame size and class count of the data.
var spec = new ModelSpec
{
    Model = "timesformer",
    TimeSformer = TimeSformerConfig.SeedUcf101 with { Frames = frames, ImageHeight = size, ImageWidth = size, Classes = layout.ClassNames.Count },
};
var epochs = Int("epochs", 10);
// The ViT recipe (AdamW, warmup then cosine, label smoothing, clipping); warmup is capped at a fifth of the run, so
// that a short check does not spend every step warming up from lr 0.
var training = TrainingConfig.AdamWCosine with { Epochs = epochs, BatchSize = Int("batch-size", 8), WarmupEpochs = Math.Min(5, epochs / 5.0) };
using var trainLoader = new DataLoader(train, new DataLoaderOptions(training.BatchSize, Seed: training.DataSeed), new RandomHorizontalFlip());
using var testLoader = new DataLoader(test, DataLoaderOptions.Evaluation(training.BatchSize));
manual_seed(training.Seed);
using var model = spec.Build();
using var trainer = new Trainer(model, training, new TrainerOptions { RunDirectory = outDir, ModelSpec = spec }, logs.CreateLogger("timesformer"));
var result = trainer.Fit(trainLoader, null, test.Count > 0 ? testLoader : null);

logs.Dispose();   // flushes the console logger's queue, so its last lines do not land inside the summary
Console.WriteLine($"\nTimeSformer: {result.ParameterCount:N0} parameters, {result.FlopsPerClip / 1e9:F3} GFLOPs/clip, {result.TrainSeconds:F1} s");
if (result.Test is { } perClip)
{
    // A video is as many samples as it has clips; averaging their softmax per video gives the usual video-level accuracy.
    var perVideo = Evaluator.EvaluateViews(model, testLoader, clip => test.Clips.Locate(clip).Video);
    Console.WriteLine($"test accuracy: {perClip.Top1:P1} over {perClip.Count} clips, {perVideo.Top1:P1} over {perVideo.Count} videos");
}
Console.WriteLine($"run folder: {Path.GetFullPath(outDir)}");
return 0;

// Lays out UCF-101/<Class>/ (links to every v_<Class>_gXX_cYY.avi under `source`) and ucfTrainTestlist/ with one fold
// in a temporary folder: alternate clips of each class go to train and test, and a lone clip to both.
static string DemoSplit(string source)
{
    var clips = Directory.EnumerateFiles(source, "v_*_g*_c*.avi", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
    if (clips.Count == 0) throw new FileNotFoundException($"No UCF101 clips (v_<Class>_gXX_cYY.avi) under '{Path.GetFullPath(source)}'.");
    static string ClassOf(string path) => Path.GetFileName(path).Split('_')[1];
    var classes = clips.Select(ClassOf).Distinct().Order(StringComparer.Ordinal).ToList();
    // A classifier needs two classes; with clips of one class only, an empty placeholder class makes the second.
    if (classes.Count == 1) classes.Add("PlaceholderNoClips");
    var root = Directory.CreateTempSubdirectory("vt-ucf101-demo-").FullName;
    AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
    var lists = Directory.CreateDirectory(Path.Combine(root, "ucfTrainTestlist")).FullName;
    File.WriteAllLines(Path.Combine(lists, "classInd.txt"), classes.Select((c, i) => $"{i + 1} {c}"));
    var (trainList, testList) = (new List<string>(), new List<string>());
    foreach (var group in clips.GroupBy(ClassOf))
    {
        Directory.CreateDirectory(Path.Combine(root, "UCF-101", group.Key));
        var files = group.ToList();
        for (var i = 0; i < files.Count; i++)
        {
            var rel = $"{group.Key}/{Path.GetFileName(files[i])}";
            File.CreateSymbolicLink(Path.Combine(root, "UCF-101", rel), Path.GetFullPath(files[i]));
            if (i % 2 == 0) trainList.Add($"{rel} {classes.IndexOf(group.Key) + 1}");
            if (i % 2 == 1 || files.Count == 1) testList.Add(rel);
        }
    }
    File.WriteAllLines(Path.Combine(lists, "trainlist01.txt"), trainList);
    File.WriteAllLines(Path.Combine(lists, "testlist01.txt"), testList);
    Console.WriteLine($"demo split in {root}: {trainList.Count} train and {testList.Count} test videos of {string.Join(", ", classes)}");
    return root;
}
