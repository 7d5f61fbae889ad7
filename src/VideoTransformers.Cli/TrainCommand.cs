using System.Text.Json;
using Microsoft.Extensions.Logging;
using VideoTransformers.Models;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Distributed;
using VideoTransformers.Training.Plots;
using VideoTransformers.Data.Sources;
using VideoTransformers.Training.Reporting;
using VideoTransformers.Training.Runs;
using VideoTransformers.Zoo;
using TorchSharp;
using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.Cli;

/// <summary><c>vt train</c>.</summary>
public static partial class TrainCommand
{
    /// <summary>The text of <c>vt train --help</c>; the families and their variants come from the registry.</summary>
    public static string Usage => $$"""
        vt train --model {{string.Join("|", ModelRegistry.FamilyNames)}}
                 [--variant NAME] [--preset NAME] --dataset synthetic|kth|ucf101|medmnist3d [--data PATH]
                 [--epochs N] [--batch-size N] [--lr X] [--seed N] [--config FILE.yaml] [--training-preset seed000|keras-vivit|adamw-cosine]
                 [--workers N] [--threads N] [--split seed|schuldt|custom:TRAIN/VAL/TEST] [--subsequences] [--fold N] [--frame-cache] [--no-augment]
                 [--weight-decay X] [--label-smoothing X] [--drop-path X] [--ema-decay X]
                 [--resume CHECKPOINT] [--device cpu|cuda|cuda:N]
                 [--dist-timeout SECONDS] --out DIR
          Trains a model and writes into DIR: results.json, metrics.csv, best.safetensors + best.json, last.safetensors +
          last.json, config.yaml, classes.json, TensorBoard events, learning_curves.svg, confusion_matrix.svg, attention.png, and report.html (see vt report).
          Ctrl-C ends the epoch cleanly and saves the checkpoint; --resume continues a run exactly.
          --config: the file's keys, overridden by --epochs, --batch-size, --lr, ... and --training-preset. --model,
          --variant and --preset may repeat or complete the file's model_name, variant and model_preset, but not
          contradict them (an error naming both).
          --subsequences (KTH): every subsequence listed in 00sequences.txt is a sample, about 4 per video.
          --frame-cache (UCF101): decode every video of the fold once into a frame cache (in the cache folder, see
          docs/datasets.md) and cut every clip from it; costs every frame's bytes on disk (about 90 GB for all of
          UCF101 at 112x112). Without it each clip is decoded by its own ffmpeg run. KTH always uses its (small) cache.
          --ema-decay D (or ema_decay in the config) keeps an exponential moving average of the weights; validation, the
          best checkpoint and the test then use the average.
          --threads N sizes libtorch's intra-op pool (default: libtorch's, one thread per core it detects).
          --device cuda needs a vt built with TorchSharp-cuda-linux or TorchSharp-cuda-windows instead of TorchSharp-cpu.
          Data-parallel training: mpiexec -n N vt train ... (MPICH; see docs/distributed.md). --batch-size is the global
          batch; rank 0 writes the run; --dist-timeout (default 300) bounds every collective. Ctrl-C reaches every rank
          through mpiexec: each finishes its step and rank 0 saves the checkpoint.
          --variant NAME picks the attention of a family that has several (`vt models` describes them):
        {{VariantList()}}
        """;

    /// <summary>One help line per family with variants: their names and the default.</summary>
    private static string VariantList() => string.Join("\n", ModelRegistry.Families.Where(f => f.Variants.Count > 0)
        .Select(f => $"    {f.Name}: {string.Join(", ", f.Variants.Select(v => v.Name))} (default: {f.DefaultVariant?.Name})"));

    /// <summary>The options <c>vt train</c> takes a value for.</summary>
    public static readonly string[] Options = { "model", "variant", "preset", "dataset", "data", "epochs", "batch-size", "lr", "seed", "config",
        "training-preset", "workers", "threads", "split", "fold", "resume", "out", "weight-decay", "label-smoothing", "drop-path", "ema-decay", "device", "nodes", "rank", "master", "dist-timeout" };
    /// <summary>The flags <c>vt train</c> takes.</summary>
    public static readonly string[] Flags = { "no-augment", "quiet", "subsequences", "frame-cache" };

    /// <summary>Runs <c>vt train</c>; returns the exit code (130 when Ctrl-C cancelled the run).</summary>
    public static int Run(Args a)
    {
        var run = a.Get("config") is string cfg ? ConfigLoader.Load(cfg) : new RunConfig();
        var training = TrainingSettings(a, run);
        var (model, modelOptions) = ResolveModel(a, run);
        run = run with { Model = modelOptions };
        var dataset = a.Choice("dataset", DataSources.Names) ?? throw new UsageException("--dataset is required.");
        var outDir = a.Required("out");
        var request = new TrainRequest(model, modelOptions.Variant, modelOptions.Preset, dataset, a.Get("data"), outDir, training, run,
            new DataOptions
            {
                BatchSize = training.BatchSize, Seed = training.DataSeed, Workers = a.Int("workers", 0, 0),
                Augment = !a.Flag("no-augment"), KthSplit = a.Get("split", "seed")!, KthSubsequences = a.Flag("subsequences"), Fold = a.Int("fold", 1, 1),
                Ucf101FrameCache = a.Flag("frame-cache"),
            }.WithClipGeometry(run.Model),
            a.Get("resume"), Threads.Parse(a), a.Double("drop-path"), a.Flag("quiet"), ParseDevice(a.Get("device")),
            ParseDistributed(a), CommandLine: ShellCommand.Join(["vt", "train", .. a.Raw]));
        var result = Train(request, out var results, out var isMain);
        // Under mpiexec every rank's stdout reaches the terminal: only rank 0 prints the results.
        if (isMain) Console.WriteLine(Json.Serialize(results));
        return result.Status == RunStatus.Cancelled ? 130 : 0;
    }

    // The training keys a flag of vt train sets, so that a problem is reported in the user's own terms.
    private static readonly Dictionary<string, string> FlagOfKey = new(StringComparer.Ordinal)
    {
        ["num_epochs"] = "epochs", ["batch_size"] = "batch-size", ["lr"] = "lr", ["weight_decay"] = "weight-decay",
        ["label_smoothing"] = "label-smoothing", ["ema_decay"] = "ema-decay",
    };

    /// <summary>
    /// The training configuration of a run: the file's (or the defaults), then <c>--training-preset</c> (which keeps the
    /// file's <c>num_epochs</c>), then the flags. It is validated here, once, by <see cref="TrainingConfig.Problems"/>;
    /// a problem is a usage error that names the flag it came from, or the key and where that came from.
    /// </summary>
    /// <exception cref="UsageException">An unknown preset, or a setting with problems.</exception>
    public static TrainingConfig TrainingSettings(Args a, RunConfig run)
    {
        var training = run.Training;
        var preset = a.Get("training-preset");
        if (preset is not null)
            training = TrainingConfig.Presets.TryGetValue(preset, out var make) ? make() with { Epochs = training.Epochs }
                : throw new UsageException($"Unknown --training-preset '{preset}'; expected {string.Join(", ", TrainingConfig.Presets.Keys)}.");
        training = training with
        {
            Epochs = a.Int("epochs", training.Epochs),
            BatchSize = a.Int("batch-size", training.BatchSize),
            LearningRate = a.Double("lr") ?? training.LearningRate,
            WeightDecay = a.Double("weight-decay") ?? training.WeightDecay,
            LabelSmoothing = a.Double("label-smoothing") ?? training.LabelSmoothing,
            EmaDecay = a.Double("ema-decay") ?? training.EmaDecay,
            Seed = a.Has("seed") ? a.Int("seed", 0) : training.Seed,
            DataSeed = a.Has("seed") ? a.Int("seed", 0) : training.DataSeed,
        };
        var problems = training.Problems();
        if (problems.Count == 0) return training;
        string Describe(string key, string message)
        {
            if (FlagOfKey.TryGetValue(key, out var flag) && a.Has(flag)) return $"--{flag} {a.Get(flag)}: {message}";
            var source = preset is not null && key != "num_epochs" ? "--training-preset " + preset : run.SourcePath ?? "the defaults";
            return $"{key} (from {source}) {message}";
        }
        throw new UsageException("Invalid training settings: " + string.Join("; ", problems.Select(p => Describe(p.Key, p.Message))) + ".");
    }

    /// <summary>
    /// The model family of a run and the config's model options with the flags' variant and preset in them.
    /// <c>--model</c>, <c>--variant</c> and <c>--preset</c> may repeat the config's <c>model_name</c>, <c>variant</c> and
    /// <c>model_preset</c> (an equivalent spelling, such as ViT for frame-vit or factorized for factorised, agrees) and
    /// fill what it leaves out, but a flag that names something else than the config is a usage error naming both:
    /// one of them would otherwise be silently ignored.
    /// </summary>
    /// <exception cref="UsageException">No model is named, --model names no family, or a flag contradicts the config.</exception>
    public static (string Model, ModelOptions Options) ResolveModel(Args a, RunConfig run)
    {
        var options = run.Model;
        var file = run.SourcePath ?? "the configuration";
        string? model = null;
        if (a.Get("model") is { } flag)
        {
            model = ModelZoo.ResolveFamily(flag) ?? throw new UsageException($"--model must be one of {string.Join("|", ModelRegistry.FamilyNames)}, got '{flag}'.");
            if (options.ModelName is { } named && named != model)
                throw new UsageException($"--model {flag} contradicts model_name: {named} in {file}; give one of them, or make them agree.");
        }
        model ??= options.ModelName ?? throw new UsageException("--model is required (or model_name in --config).");
        var family = ModelRegistry.TryGetFamily(model, out var f) ? f
            : throw new UsageException($"model_name: {model} in {file} is not one of {string.Join("|", ModelRegistry.FamilyNames)}.");
        if (a.Get("variant") is { } flagVariant && !family.Variants.Any(v => v.IsNamed(flagVariant)))
            throw new UsageException(family.Variants.Count == 0 ? $"--variant: {model} has no attention variants."
                : $"--variant must be one of {string.Join("|", family.Variants.Select(v => v.Name))} for {model}, got '{flagVariant}'.");
        var variant = Agree("variant", a.Get("variant"), "variant", options.Variant, (x, y) => SameVariant(family, x, y), file);
        var preset = Agree("preset", a.Get("preset"), "model_preset", options.Preset, (x, y) => x == y, file);
        return (model, options with { Variant = variant, Preset = preset });
    }

    private static string? Agree(string flag, string? given, string key, string? configured, Func<string, string, bool> same, string file)
    {
        if (given is null || configured is null) return configured ?? given;
        if (!same(given, configured))
            throw new UsageException($"--{flag} {given} contradicts {key}: {configured} in {file}; give one of them, or make them agree.");
        return configured;
    }

    // Spellings the zoo reads as the same variant (factorised/factorized, divided/divided_space_time) agree.
    private static bool SameVariant(ModelFamily family, string x, string y)
    {
        if (x == y) return true;
        var vx = family.Variants.FirstOrDefault(v => v.IsNamed(x));
        return vx is not null && vx.IsNamed(y);
    }

    /// <summary>Everything one training run needs.</summary>
    public sealed record TrainRequest(string Model, string? Variant, string? Preset, string Dataset, string? Data, string OutDir,
        TrainingConfig Training, RunConfig Run, DataOptions DataOptions, string? Resume, int? Threads, double? DropPath, bool Quiet, Device? Device = null,
        DistributedRequest? Distributed = null, ModelSpec? Spec = null, string? CommandLine = null);

    /// <summary>A data-parallel run over MPI; <paramref name="Timeout"/> overrides VT_DIST_TIMEOUT_SECONDS.</summary>
    public sealed record DistributedRequest(TimeSpan? Timeout);

    /// <summary>The flags of the c10d launch, which went away with it.</summary>
    public static readonly string[] RemovedDistributedOptions = { "nodes", "rank", "master" };

    /// <summary>
    /// Data-parallel when mpiexec started this process (its environment says so; no MPI library is needed otherwise),
    /// with --dist-timeout as the collective timeout; null for a single-process run.
    /// </summary>
    public static DistributedRequest? ParseDistributed(Args a)
    {
        if (RemovedDistributedOptions.FirstOrDefault(a.Has) is { } removed)
            throw new UsageException($"--{removed}: --nodes/--rank/--master went away with the c10d/Gloo backend; data-parallel training now runs over MPI. " +
                                     "Launch one process per rank with mpiexec, e.g. 'mpiexec -n 2 vt train ...' (see docs/distributed.md).");
        TimeSpan? timeout = a.Has("dist-timeout") ? TimeSpan.FromSeconds(a.Int("dist-timeout", 300, 1)) : null;
        return ProcessGroup.IsLaunchedByMpi ? new DistributedRequest(timeout) : null;
    }

    /// <summary>
    /// Parses --device (cpu, cuda, cuda:N). CUDA is accepted only where this build of vt has a CUDA backend and a GPU is
    /// visible; otherwise the usage error says which package to build with.
    /// </summary>
    public static Device? ParseDevice(string? s)
    {
        if (s is null) return null;
        var m = DeviceSyntax().Match(s);
        if (!m.Success) throw new UsageException($"Unknown device '{s}'; expected cpu, cuda or cuda:N.");
        if (m.Groups[1].Value == "cpu") return CPU;
        if (!int.TryParse(m.Groups[2].ValueSpan, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && m.Groups[2].Success)
            throw new UsageException($"Unknown device '{s}'; expected cpu, cuda or cuda:N.");
        if (!cuda.is_available()) throw new UsageException(CudaUnavailable(s));
        var count = cuda.device_count();
        if (m.Groups[2].Success && index >= count) throw new UsageException($"--device {s}: there are {count} CUDA device(s) (cuda:0 to cuda:{count - 1}).");
        return device(DeviceType.CUDA, m.Groups[2].Success ? index : 0);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(cpu|cuda)(?::([0-9]+))?$")]
    private static partial System.Text.RegularExpressions.Regex DeviceSyntax();

    /// <summary>
    /// Why CUDA cannot be used: either no CUDA backend was built in (vt references TorchSharp-cpu, whose libtorch has no
    /// CUDA), or the backend is there but no GPU is visible.
    /// </summary>
    public static string CudaUnavailable(string requested) => HasCudaBackend()
        ? $"--device {requested}: this vt has TorchSharp's CUDA backend, but no CUDA device is visible (no NVIDIA driver, or CUDA_VISIBLE_DEVICES hides the GPUs)."
        : $"--device {requested}: this vt is built with TorchSharp-cpu, whose libtorch has no CUDA. To train on an NVIDIA GPU, build it with " +
          "TorchSharp-cuda-linux (Linux) or TorchSharp-cuda-windows (Windows) in place of TorchSharp-cpu, at the same version as TorchSharp. " +
          "The CUDA packages come from nuget.org; this project's package feed does not serve them.";

    // libtorch_cuda sits beside the other native libraries of the backend package; the host lists their folders.
    private static bool HasCudaBackend()
    {
        var dirs = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(AppContext.BaseDirectory);
        return dirs.Any(d => File.Exists(Path.Combine(d, "libtorch_cuda.so")) || File.Exists(Path.Combine(d, "torch_cuda.dll")));
    }

    /// <summary>Runs one training and writes results.json; returns the run result and the results dictionary.</summary>
    public static RunResult Train(TrainRequest r, out Dictionary<string, object?> results) => Train(r, out results, out _);

    /// <summary>As <see cref="Train(TrainRequest, out Dictionary{string, object?})"/>; <paramref name="isMain"/> is false on ranks other than 0.</summary>
    public static RunResult Train(TrainRequest r, out Dictionary<string, object?> results, out bool isMain)
    {
        using var group = r.Distributed is { } d ? ProcessGroup.Init(d.Timeout) : null;
        isMain = group?.IsMain ?? true;
        // Other ranks stay quiet: rank 0 writes the run folder, logs and results.
        using var loggerFactory = Logging.Create(r.Quiet || !isMain);
        var logger = loggerFactory.CreateLogger("vt.train");
        Threads.Set(r.Threads);
        manual_seed(r.Training.Seed);
        using var data = CliData.Build(r.Dataset, r.Data, r.DataOptions, logger);
        CheckClipGeometry(r.Run.Model, data);
        var s = data.SampleShape;
        var spec = r.Spec is not null ? r.Spec
            : r.Run.Model.ModelName is not null
            ? r.Run.Model.ToModelSpec(s[0], s[1], s[2], s[3], data.ClassNames.Count)
            : ModelZoo.ForData(r.Model, r.Variant, s[0], s[1], s[2], s[3], data.ClassNames.Count, r.Preset);
        if (r.DropPath is double dp) spec = WithDropPath(spec, dp);
        // Other ranks write nothing, so --out need only exist and be writable on rank 0's host.
        if (isMain)
        {
            Directory.CreateDirectory(r.OutDir);
            File.WriteAllText(Path.Combine(r.OutDir, "classes.json"), JsonSerializer.Serialize(data.ClassNames));
        }
        using var model = spec.Build();
        // The optimizer is created by the Trainer after this, so it sees the parameters on their final device; the
        // Trainer and Evaluator move every batch to the model's device.
        if (r.Device is { } device) model.to(device);
        logger.LogInformation("{Model}: {Params:N0} parameters, {Gflops:F3} GFLOPs per clip, input [B, {Shape}], {Classes} classes",
            model.GetName(), model.parameter_count(), model.FlopsPerClip / 1e9, string.Join(", ", s), data.ClassNames.Count);
        var sample = DataSources.Sample(data.TestDataset);
        using var trainer = new Trainer(model, r.Training, new TrainerOptions
        {
            RunDirectory = r.OutDir, ModelSpec = spec, RunConfig = r.Run with { Training = r.Training },
            Callbacks = new ITrainingCallback[] { new RunPlots(() => sample) },
            Distributed = group,
        }, loggerFactory.CreateLogger<Trainer>());
        if (r.Resume is not null) trainer.Resume(r.Resume);
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl-C ends the epoch cleanly and saves; a second one is left to the runtime and aborts.
            if (cts.IsCancellationRequested) return;
            e.Cancel = true;
            cts.Cancel();
            Console.Error.WriteLine("Stopping after this step; the checkpoint will be saved (Ctrl-C again to abort).");
        };
        Console.CancelKeyPress += onCancel;
        RunResult result;
        try
        {
            result = r.Quiet || !isMain
                ? trainer.Fit(data.Train, data.Validation, data.Test, null, cts.Token)
                : SpectreProgressReporter.Run(p => trainer.Fit(data.Train, data.Validation, data.Test, p, cts.Token));
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            sample?.clip.Dispose();
        }
        results = Results(r, spec, data, result);
        if (group is not null) results["world_size"] = group.WorldSize;
        if (isMain)
        {
            File.WriteAllText(Path.Combine(r.OutDir, "results.json"), Json.Serialize(results));
            WriteReport(r.OutDir, logger);
        }
        return result;
    }

    // The run is trained and saved by now: a report that cannot be written is a warning, not a failed run.
    private static void WriteReport(string dir, ILogger logger)
    {
        try
        {
            RunReport.Write(dir, logger);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            logger.LogWarning("The run report could not be written ({Message}); `vt report {Dir}` writes it later", e.Message, dir);
        }
    }

    /// <summary>
    /// Throws a usage error naming both shapes when <paramref name="data"/> does not give the clips <paramref name="model"/>
    /// asks for: a dataset of fixed shape (MedMNIST volumes) or colour (gray KTH with <c>channels: 3</c>) cannot follow
    /// the configuration, and a model built for other clips would fail only at its first batch.
    /// </summary>
    public static void CheckClipGeometry(ModelOptions model, DataBundle data)
    {
        var shape = data.SampleShape;
        if (shape.Length != 4) return;
        var wanted = new[] { model.Frames, model.Channels, model.ImageHeight, model.ImageWidth };
        var names = new[] { "frames (max_frames / slicing_step)", "channels", "image_height", "image_width" };
        var wrong = Enumerable.Range(0, 4).Where(i => wanted[i] is { } w && w != shape[i]).Select(i => $"{names[i]} {wanted[i]}, the data {shape[i]}").ToList();
        if (wrong.Count > 0)
            throw new UsageException($"The configuration asks for clips the {data.Name} data does not give: {string.Join("; ", wrong)} " +
                                     $"(its clips are [{string.Join(", ", shape)}] as [frames, channels, height, width]).");
    }

    private static ModelSpec WithDropPath(ModelSpec spec, double p)
    {
        var family = ModelRegistry.Family(spec.Model);
        if (!family.Accepts(ModelSetting.DropPath))
            throw new UsageException($"--drop-path applies to {string.Join(", ", ModelRegistry.Families.Where(f => f.Accepts(ModelSetting.DropPath)))}, not {spec.Model}.");
        return family.Apply(spec, new ModelOverrides { DropPath = p });
    }

    /// <summary>The results.json content.</summary>
    public static Dictionary<string, object?> Results(TrainRequest r, ModelSpec spec, DataBundle data, RunResult result)
    {
        var test = result.Test;
        // vt train keeps the trainer's default of restoring the best weights before the test.
        var selected = result.History.FirstOrDefault(h => h.Epoch == result.BestEpoch) ?? result.History.LastOrDefault();
        var d = new Dictionary<string, object?>
        {
            ["model"] = spec.Model,
            ["variant"] = ModelRegistry.Family(spec.Model).VariantOf(spec)?.Id,
            ["dataset"] = data.Name,
            ["status"] = result.Status.ToString(),
            ["epochs"] = result.CompletedEpochs,
            ["best_epoch"] = result.BestEpoch,
            ["train_seconds"] = Math.Round(result.TrainSeconds, 1),
            ["parameters"] = result.ParameterCount,
            ["flops_per_clip"] = result.FlopsPerClip,
            ["seed"] = r.Training.Seed,
            ["classes"] = data.ClassNames,
            // The validation numbers of the epoch the test weights come from (the best one), not of the last epoch.
            ["val_loss"] = selected?.ValLoss,
            ["val_accuracy"] = selected?.ValAccuracy,
            ["test_loss"] = test?.Loss,
            ["test_accuracy"] = test?.Top1,
        };
        if (r.CommandLine is not null)
        {
            d["command"] = r.CommandLine;
            d["working_directory"] = Environment.CurrentDirectory;
        }
        if (data.ClassNames.Count > 5) d["test_top5_accuracy"] = test?.Top5;
        if (data.ClassNames.Count == 2)
        {
            d["val_auc"] = selected?.ValAuc;
            d["test_auc"] = test?.Auc;
        }
        if (test is not null)
        {
            d["test_per_class_accuracy"] = test.PerClassAccuracy;
            d["test_confusion"] = test.Confusion.ToRows();
        }
        return d;
    }
}
