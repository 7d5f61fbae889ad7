// The UCF101-features ActionBERT study: per-frame features from a frozen frame encoder, stored in the memory-mapped FeatureStore format, then
// ActionBERT (a BERT-style temporal transformer) against a BiLSTM, both trained on the stored features.
using System.Globalization;
using Microsoft.Extensions.Logging;
using VideoTransformers.Blocks;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Loading;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Runs;
using VideoTransformers.Zoo;
using static TorchSharp.torch;

string[] known = ["kth", "samples-per-class", "feature-dim", "epochs", "batch-size", "out", "threads"];
if (args.FirstOrDefault(a => a.StartsWith("--") && !known.Contains(a[2..])) is { } bad)
{
    Console.Error.WriteLine($"unknown option {bad}; known: {string.Join(" ", known.Select(k => "--" + k))}");
    return 2;
}
string? Arg(string name) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
int Int(string name, int fallback) => Arg(name) is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : fallback;

var outDir = Arg("out") ?? Path.Combine("runs", "action-bert");
var featureDim = Int("feature-dim", 128);
var epochs = Int("epochs", 15);
// Warmup is capped at a fifth of the run: a one-epoch check would otherwise spend every step warming up from lr 0.
var training = TrainingConfig.AdamWCosine with { Epochs = epochs, BatchSize = Int("batch-size", 32), LearningRate = 3e-4, WarmupEpochs = Math.Min(1, epochs / 5.0) };
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

// The synthetic motion set needs no download; --kth DIR uses real clips, the last person held out for testing.
var splits = new Dictionary<string, IVideoDataset>();
if (Arg("kth") is { } kthDir)
{
    var layout = KthLayout.Discover(kthDir);
    var persons = layout.Clips.Select(c => c.Person).Distinct().Order().ToList();
    var split = KthSplit.Custom(persons.SkipLast(1), [], persons.TakeLast(1));
    splits["train"] = KthDataset.Create(layout, split, DatasetSplit.Train);
    splits["test"] = KthDataset.Create(layout, split, DatasetSplit.Test);
}
else
{
    var motion = new SyntheticMotion(new SyntheticMotionOptions(SamplesPerClass: Int("samples-per-class", 64)));
    foreach (var (name, part) in new[] { ("train", DatasetSplit.Train), ("val", DatasetSplit.Validation), ("test", DatasetSplit.Test) })
        splits[name] = motion.Split(part);
}
var classes = splits["train"].ClassNames;
var first = splits["train"].GetSample(0).Frames;

// 1. Extraction. The encoder is frozen (random weights, eval mode, no autograd), so each clip is encoded exactly
//    once; the temporal models then train on [T, F] rows instead of re-running a CNN over every frame every epoch.
manual_seed(training.Seed);
using var encoder = new CnnFrameEncoder(first.Channels, featureDim);
encoder.eval();
foreach (var (name, dataset) in splits)
{
    using var writer = FeatureStoreWriter.Create(Path.Combine(outDir, "features", name + ".f32"), dataset.Count, first.Frames, featureDim);
    using var loader = new DataLoader(dataset, DataLoaderOptions.Evaluation(training.BatchSize));
    using var inference = inference_mode();
    foreach (var batch in loader.GetBatches(0))
    {
        using var owned = batch;
        using var scope = NewDisposeScope();
        var rows = encoder.forward(batch.Inputs).contiguous().data<float>().ToArray();     // [B, T, F]
        var perClip = first.Frames * featureDim;
        for (var i = 0; i < batch.Size; i++)
        {
            var index = batch.Indices[i];
            var clipName = dataset is KthDataset kth ? kth.Items[index].Clip.Name : $"{name}_{index:D5}_{classes[dataset.GetLabel(index)]}";
            writer.Write(index, clipName, dataset.GetLabel(index), rows.AsSpan(i * perClip, perClip));
        }
    }
    writer.Complete();
    Console.WriteLine($"{name}: {dataset.Count} clips → {writer.DataPath} [{dataset.Count}, {first.Frames}, {featureDim}] float32 + {Path.GetFileName(writer.IndexPath)}");
}

// 2. Reading back: the stores are memory-mapped, and each split is small enough to become one in-memory batch source.
//    Stored features are standardised with the training split's per-dimension statistics: a frozen random CNN's
//    outputs are small and nearly constant, which an LSTM (unlike ActionBERT, with its embedding LayerNorm) cannot learn from.
(Tensor X, Tensor Y) Read(string name)
{
    using var store = FeatureStore.Open(Path.Combine(outDir, "features", name + ".f32"));
    var values = new float[store.Count * store.MaxLength * store.Dimension];
    for (var v = 0; v < store.Count; v++) store.GetPadded(v).CopyTo(values.AsSpan(v * store.MaxLength * store.Dimension));
    return (tensor(values, new long[] { store.Count, store.MaxLength, store.Dimension }), tensor(store.Entries.Select(e => (long)e.LabelIndex).ToArray()));
}
var sources = new Dictionary<string, TensorBatchSource>();
using (NewDisposeScope())
{
    var raw = splits.Keys.ToDictionary(name => name, Read);
    var flat = raw["train"].X.reshape(-1, featureDim);
    var (mean, std) = (flat.mean([0]), flat.std(0).add(1e-6));
    foreach (var (name, (x, y)) in raw)
        sources[name] = new TensorBatchSource(x.sub(mean).div(std), y, training.BatchSize, classes, shuffle: name == "train", seed: training.DataSeed);
}

// 3. The two temporal models over the same features. Feature mode: ActionBertConfig without a FrameEncoder.
(string Name, ModelSpec Spec)[] runs =
[
    ("actionbert", new ModelSpec
    {
        Model = "actionbert",
        ActionBert = ActionBertConfig.Ucf101Features with { FeatureDim = featureDim, MaxLength = first.Frames, Classes = classes.Count, Dim = 128, MlpDim = 512, Layers = 2 },
    }),
    ("bilstm", new ModelSpec { Model = "bilstm", Rnn = new RnnConfig { FeatureDim = featureDim, Frames = first.Frames, Hidden = 128, Classes = classes.Count } }),
];
var results = new List<string>();
foreach (var (name, spec) in runs)
{
    manual_seed(training.Seed);
    using var model = spec.Build();
    using var trainer = new Trainer(model, training, new TrainerOptions { RunDirectory = Path.Combine(outDir, name), ModelSpec = spec }, logs.CreateLogger(name));
    var r = trainer.Fit(sources["train"], sources.GetValueOrDefault("val"), sources["test"]);
    results.Add($"{name,-11} {r.ParameterCount,11:N0} {r.Test!.Top1,14:P1} {r.TrainSeconds,8:F1}");
}
logs.Dispose();   // flushes the console logger's queue, so its last lines do not land inside the table
Console.WriteLine($"\n{"model",-11} {"parameters",11} {"test accuracy",14} {"train s",8}");
results.ForEach(Console.WriteLine);
foreach (var source in sources.Values) source.Dispose();
return 0;
