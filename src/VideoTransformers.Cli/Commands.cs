using System.Text.Json;
using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Sources;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Models;
using VideoTransformers.Training.Checkpoints;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Evaluation;
using VideoTransformers.Training.Metrics;
using static TorchSharp.torch;

namespace VideoTransformers.Cli;

/// <summary>Commands that need the training stack (train, eval, predict, demo, import-hf).</summary>
public static partial class Commands
{
    /// <summary>The text of <c>vt eval --help</c>.</summary>
    public const string EvalUsage = """
        vt eval --checkpoint FILE --dataset synthetic|kth|ucf101|medmnist3d [--data PATH] [--clips N] [--crops 1|3] [--tta flips]
                [--subset test|val] [--batch-size N] [--split ...] [--fold N] [--frame-cache] [--threads N] [--precision fp32|bf16]
          Evaluates a checkpoint (best.safetensors or last.safetensors; the .json beside it holds the model) on the test
          split (or, with --subset val, the validation split: keys then start with val_) and prints the metrics as JSON. With --clips N and/or --crops 3, every video is seen as N uniformly spaced
          clips × crops and the softmax probabilities are averaged per video. --tta flips (volumes, medmnist3d) averages
          the 8 flips of every volume. --precision bf16 evaluates with bfloat16 weights and activations (faster on CPUs
          with AVX-512 BF16 or AMX; logits within about 1e-2 of fp32, see docs/performance.md). --frame-cache (UCF101)
          reads clips from the frame cache, as vt train --frame-cache.
        """;

    /// <summary>The text of <c>vt predict --help</c>.</summary>
    public const string PredictUsage = """
        vt predict --checkpoint FILE [--threads N] [--precision fp32|bf16] VIDEO
          Decodes the video (uniformly spaced frames at the model's input size) and prints the top-5 classes with their
          probabilities. Class names come from classes.json next to the checkpoint. --precision bf16 runs the model in
          bfloat16.
        """;

    /// <summary>Runs a training-stack command, or returns null when <paramref name="command"/> is not one.</summary>
    public static int? Dispatch(string command, string[] argv) => command switch
    {
        "train" => Run(argv, TrainCommand.Usage, TrainCommand.Options, TrainCommand.Flags, TrainCommand.Run, positionals: 0),
        "eval" => Run(argv, EvalUsage, new[] { "checkpoint", "dataset", "data", "clips", "crops", "batch-size", "split", "fold", "threads", "tta", "subset", "precision" }, new[] { "frame-cache" }, Eval, 0),
        "predict" => Run(argv, PredictUsage, new[] { "checkpoint", "threads", "precision" }, Array.Empty<string>(), Predict, 1),
        "demo" => Run(argv, DemoCommand.Usage, DemoCommand.Options, DemoCommand.Flags, DemoCommand.Run, 0),
        "import-hf" => Run(argv, ImportHfCommand.Usage, new[] { "out" }, Array.Empty<string>(), ImportHfCommand.Run, 1),
        _ => null,
    };

    /// <summary>Parses a command's arguments, answers --help, checks the number of positionals, then runs it.</summary>
    internal static int Run(string[] argv, string usage, string[] options, string[] flags, Func<Args, int> run, int positionals)
    {
        var a = new Args(argv, options, flags);
        if (a.Help)
        {
            Console.WriteLine(usage);
            return 0;
        }
        if (a.Positionals.Count != positionals)
            throw new UsageException(positionals == 0 ? $"Unexpected argument '{a.Positionals[0]}'.\n\n{usage}" : $"Expected {positionals} argument(s).\n\n{usage}");
        // Every command run through here uses libtorch: a missing or unloadable one is reported before anything starts.
        TorchRuntime.EnsureLoaded();
        return run(a);
    }

    private static int Eval(Args a)
    {
        // Every argument is checked before any file is read, so that usage errors always exit with code 2.
        var threads = Threads.Parse(a);
        var checkpoint = a.Required("checkpoint");
        var dataset = a.Choice("dataset", DataSources.Names) ?? throw new UsageException("--dataset is required.");
        var clips = a.Int("clips", 1, 1);
        var crops = a.Int("crops", 1, 1);
        if (crops is not (1 or 3)) throw new UsageException("--crops must be 1 or 3.");
        var subset = a.Choice("subset", "test", "val") ?? "test";
        var tta = a.Choice("tta", "flips");
        var precision = Precision(a);
        if (tta is not null && dataset != "medmnist3d") throw new UsageException("--tta flips is for volumes (medmnist3d); flipping video frames in time would reverse the motion.");
        var multiView = clips > 1 || crops == 3;
        if (multiView && subset == "val")
            throw new UsageException("--clips/--crops evaluate the test split; --subset val takes single views or --tta.");
        if (multiView && dataset is not ("kth" or "ucf101"))
            throw new UsageException($"--clips/--crops need videos longer and wider than the model input (kth, ucf101); {dataset} clips are exactly the model's size.");
        Threads.Set(threads);
        using var model = Checkpoint.LoadModel(checkpoint, out var info).ForInference(precision);
        using var loggerFactory = Logging.Create(true);
        // The synthetic set is generated from the run's data seed: evaluate on the splits the checkpoint was trained with.
        var dataSeed = info.Training?.DataSeed ?? 0;
        // The run's config.yaml says how its clips were cut (window, stride, size); without one, the dataset's defaults.
        var runConfig = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpoint))!, "config.yaml");
        var geometry = File.Exists(runConfig) ? ConfigLoader.Load(runConfig).Model : new ModelOptions();
        using var data = CliData.Build(dataset, a.Get("data"), new DataOptions
        {
            BatchSize = a.Int("batch-size", 16, 1), Augment = false, Seed = dataSeed, KthSplit = a.Get("split", "seed")!, Fold = a.Int("fold", 1, 1),
            ViewClips = clips, ViewWide = crops == 3, Ucf101FrameCache = a.Flag("frame-cache"),
        }.WithClipGeometry(geometry), loggerFactory.CreateLogger("vt.eval"));
        var onValidation = subset == "val";
        var source = onValidation ? data.Validation : data.Test;
        var raw = onValidation ? data.ValidationDataset : data.TestDataset;
        if (source is null || raw is null) throw new InvalidDataException($"The {dataset} dataset has no {(onValidation ? "validation" : "test")} split here.");
        MetricsReport report;
        if (tta is not null)
        {
            using var views = new MultiViewLoader(raw, new SingleView(), new FlipViews(), new MultiViewOptions(BatchSize: 8));
            report = Evaluator.EvaluateViews(model, views);
        }
        else if (!multiView) report = Evaluator.Evaluate(model, source);
        else
        {
            var shape = model.SampleShape;
            var frames = (int)shape[0];
            using var views = MultiViewLoader.Create(raw, clips, frames, 1, crops, (int)shape[^1]);
            report = Evaluator.EvaluateViews(model, views);
        }
        // The keys say which split the numbers come from, as in results.json (val_* for model selection, test_* once).
        var prefix = onValidation ? "val_" : "test_";
        var result = new Dictionary<string, object?>
        {
            ["checkpoint"] = a.Get("checkpoint"), ["dataset"] = data.Name, ["subset"] = subset, ["clips"] = clips, ["crops"] = crops, ["tta"] = tta, ["videos"] = report.Count,
            [prefix + "loss"] = report.Loss, [prefix + "accuracy"] = report.Top1,
        };
        if (data.ClassNames.Count > 5) result[prefix + "top5_accuracy"] = report.Top5;
        if (data.ClassNames.Count == 2) result[prefix + "auc"] = report.Auc;
        result[prefix + "confusion"] = report.Confusion.ToRows();
        result[prefix + "per_class_accuracy"] = report.PerClassAccuracy;
        Console.WriteLine(Json.Serialize(result));
        return 0;
    }

    /// <summary>The --precision option (fp32 when absent) as an <see cref="InferencePrecision"/>.</summary>
    internal static InferencePrecision Precision(Args a) =>
        InferencePrecisionExtensions.Parse(a.Choice("precision", InferencePrecisionExtensions.Names.ToArray()) ?? "fp32");

    private static int Predict(Args a)
    {
        Threads.Apply(a);
        var checkpoint = a.Required("checkpoint");
        var precision = Precision(a);
        using var model = Checkpoint.LoadModel(checkpoint).ForInference(precision);
        var video = a.Positionals[0];
        var shape = model.SampleShape;
        if (shape.Length != 4) throw new UsageException($"{model.GetName()} takes features, not video; predict needs a video model.");
        var classesPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpoint))!, "classes.json");
        var names = File.Exists(classesPath) ? JsonSerializer.Deserialize<string[]>(File.ReadAllText(classesPath))! : Enumerable.Range(0, (int)model.NumClasses).Select(i => $"class_{i}").ToArray();
        var frames = DataSources.DecodeUniform(video, (int)shape[0], (int)shape[2], (int)shape[3], (int)shape[1]);
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var probs = nn.functional.softmax(model.forward(model.MatchInput(ClipTensors.FromFrames(frames).unsqueeze(0))).to(float32), 1).select(0, 0);
        var (values, indexes) = probs.topk((int)Math.Min(5, probs.size(0)));
        var v = values.data<float>().ToArray();
        var ix = indexes.data<long>().ToArray();
        var top = ix.Select((c, i) => new Dictionary<string, object> { ["class"] = names[c], ["index"] = c, ["probability"] = Math.Round(v[i], 4) }).ToList();
        Console.WriteLine(Json.Serialize(new { video, top5 = top }));
        return 0;
    }
}
