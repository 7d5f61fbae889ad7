using VideoTransformers.Torch.Serialization;
using Microsoft.Extensions.Logging;
using VideoTransformers.DistributedWorker;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Distributed;
using VideoTransformers.Training.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

// Trains a tiny FrameViT on a fixed synthetic task as one rank of a data-parallel run (under mpiexec) or alone, then
// saves the final weights to OUT/rank{R}/weights.safetensors; rank 0 also writes the run folder OUT/rank0/run.
// Exit codes: 0 done, 1 training or communication failed (the message is on stderr), 2 bad arguments.
WorkerOptions options;
try
{
    options = WorkerOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine(WorkerOptions.Usage);
    return 2;
}

using var loggerFactory = LoggerFactory.Create(b => b
    .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
    .SetMinimumLevel(LogLevel.Information));
var logger = loggerFactory.CreateLogger("worker");
var rank = 0;
try
{
    using var group = options.UsesProcessGroup ? ProcessGroup.Init(options.Timeout, logger) : null;
    rank = group?.Rank ?? 0;
    var dir = Path.Combine(options.Out, $"rank{rank}");
    Directory.CreateDirectory(dir);
    File.WriteAllText(Path.Combine(dir, "pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    set_num_threads(options.Threads);

    // Each rank builds its replica from a different seed on purpose: the trainer must broadcast rank 0's weights.
    manual_seed(options.Seed + 1000L * rank);
    if (options.BroadcastOnly)
    {
        if (group is null) throw new InvalidOperationException("--broadcast-only needs MPI (run under mpiexec or with --mpi)");
        using var withBuffers = BroadcastModel.Create(rank);
        SafeTensors.save(withBuffers.state_dict(), Path.Combine(dir, "initial.safetensors"));
        new DistributedDataParallel(withBuffers, group, bucketBytes: 4096).BroadcastState();
        SafeTensors.save(withBuffers.state_dict(), Path.Combine(dir, "weights.safetensors"));
        group.barrier();
        return 0;
    }
    using var model = new FrameViT(SyntheticClips.ModelConfig);
    SafeTensors.save(model.state_dict(), Path.Combine(dir, "initial.safetensors"));
    using var train = SyntheticClips.Source(options.Clips, options.Batch, shuffle: true, shuffleSeed: 3);
    using var validation = SyntheticClips.Source(options.Clips, options.Batch, shuffle: false, shuffleSeed: 0);
    var config = new TrainingConfig
    {
        // Adam's first steps move every weight by about ±lr whatever the gradient's size, so float rounding in a
        // near-zero gradient can flip a step; SGD's update is proportional to the gradient, which the default keeps.
        Epochs = options.Epochs, Optimizer = options.Optimizer, LearningRate = options.Optimizer == OptimizerKind.Sgd ? 0.05 : 2e-3,
        WeightDecay = 0.05, GradClipNorm = 1.0, LabelSmoothing = 0.1, Seed = options.Seed, EmaDecay = options.EmaDecay,
    };
    var trainerOptions = new TrainerOptions
    {
        RunDirectory = Path.Combine(dir, "run"), ModelSpec = new() { Model = "frame-vit", FrameViT = SyntheticClips.ModelConfig },
        RestoreBestWeights = false, Distributed = group,
    };
    using var trainer = new Trainer(model, config, trainerOptions, logger);
    var progress = options.KillAfterSteps is { } k ? new SignalAfterSteps(k, rank, SignalAfterSteps.SIGKILL)
        : options.StopAfterSteps is { } s ? new SignalAfterSteps(s, rank, SignalAfterSteps.SIGSTOP)
        : null;
    var result = trainer.Fit(train, validation, progress: progress);

    SafeTensors.save(model.state_dict(), Path.Combine(dir, "weights.safetensors"));
    logger.LogInformation("Rank {Rank}: {Status} after {Steps} steps, final train loss {Loss:F6}",
        rank, result.Status, result.GlobalStep, result.History[^1].TrainLoss);
    group?.barrier();
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"error: rank {rank}: {e.Message}");
    return 1;
}
