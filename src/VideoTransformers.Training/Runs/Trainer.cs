using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoTransformers.Data.Loading;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using VideoTransformers.Training.Checkpoints;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Distributed;
using VideoTransformers.Training.Evaluation;
using VideoTransformers.Training.Metrics;
using VideoTransformers.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Runs;

/// <summary>
/// Trains a <see cref="VideoClassifier"/> on an <see cref="IBatchSource"/>: optimizer and learning-rate schedule from
/// the <see cref="TrainingConfig"/>, label smoothing, gradient clipping, validation after every epoch, early stopping,
/// best and last checkpoints, <c>metrics.csv</c>, TensorBoard scalars and progress reports.
/// <para>
/// Runs are reproducible step by step: every step reseeds libtorch from (seed, epoch, step) (see
/// <see cref="TrainingSeeds"/>), the learning rate is a closed form of (epoch, global step), and checkpoints hold the
/// optimizer state bit for bit, so a run resumed with <see cref="Resume"/> ends with exactly the weights of an
/// uninterrupted one, even when it was cancelled mid-epoch.
/// </para>
/// <para>
/// Run folder: <c>config.yaml</c> (effective configuration), <c>last.safetensors</c> + <c>last.json</c> (after every
/// epoch and on cancel), <c>best.safetensors</c> + <c>best.json</c> (best epoch by the checkpoint metric),
/// <c>metrics.csv</c>, <c>training_stats.json</c> and <c>events.out.tfevents.*</c>.
/// </para>
/// <para>
/// With <see cref="TrainingConfig.EmaDecay"/> set, an exponential moving average of the weights is updated after
/// every optimizer step, and validation, the best-epoch choice, the checkpoints' <c>model.</c> tensors and the test all
/// use the average; the raw weights the optimizer steps on are kept under <c>train.</c> so that resume stays exact.
/// After <see cref="Fit"/> (unless cancelled) the model holds the averaged weights.
/// </para>
/// <para>
/// With <see cref="TrainerOptions.Distributed"/> set the run is data-parallel over one process per rank: see that
/// property and docs/distributed.md.
/// </para>
/// </summary>
public sealed class Trainer : IDisposable
{
    /// <summary>Base name of the checkpoint written after every epoch.</summary>
    public const string LastName = "last";
    /// <summary>Base name of the checkpoint of the best epoch.</summary>
    public const string BestName = "best";

    /// <summary>The columns of <c>metrics.csv</c>.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
        ["epoch", "global_step", "lr", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "val_top5", "val_auc", "seconds", "clips_per_second"];

    private readonly ILogger _logger;
    private readonly List<Parameter> _trainable;
    private CheckpointState? _resume;
    private readonly ExponentialMovingAverage? _ema;
    // The average's weights, held in the model from the end of Fit until the next Resume or Fit.
    private EmaScope? _averageIn;
    private long _sessionSteps;
    private double _sessionStepSeconds;

    /// <summary>Creates a trainer and its optimizer. The caller keeps owning <paramref name="model"/>.</summary>
    /// <param name="model">The model; seed libtorch with <see cref="TrainingConfig.Seed"/> before building it for a reproducible start.</param>
    /// <param name="config">The training configuration.</param>
    /// <param name="options">The run folder and artifacts.</param>
    /// <param name="logger">Receives the epoch summaries, checkpoints and warnings; optional.</param>
    /// <exception cref="ArgumentException"><paramref name="config"/> has problems (<see cref="TrainingConfig.Problems"/>), or the model predicts fewer than 2 classes.</exception>
    public Trainer(VideoClassifier model, TrainingConfig config, TrainerOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.RunDirectory);
        // The library's entry point for a configuration built in code, so it is checked here; the optimizer, schedule
        // and loop behind it rely on this check and do not repeat it.
        config.EnsureValid();
        if (model.NumClasses < 2) throw new ArgumentException($"{model.GetName()} predicts {model.NumClasses} class; classification needs at least 2.", nameof(model));
        Model = model;
        Config = config;
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        Optimizer = OptimizerFactory.CreateChecked(config, model);
        _trainable = model.parameters().Where(p => p.requires_grad).ToList();
        if (config.EmaDecay is { } decay) _ema = new ExponentialMovingAverage(model, decay);
    }

    /// <summary>The weight average when <see cref="TrainingConfig.EmaDecay"/> is set (owned by the trainer), else null.</summary>
    public ExponentialMovingAverage? Ema => _ema;

    /// <summary>The model being trained.</summary>
    public VideoClassifier Model { get; }
    /// <summary>The training configuration.</summary>
    public TrainingConfig Config { get; }
    /// <summary>The run folder and artifacts.</summary>
    public TrainerOptions Options { get; }
    /// <summary>The optimizer (owned by the trainer).</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>The path of the last checkpoint's tensors.</summary>
    public string LastCheckpointPath => RunArtifacts.CheckpointPath(Options.RunDirectory, LastName);
    /// <summary>The path of the best checkpoint's tensors.</summary>
    public string BestCheckpointPath => RunArtifacts.CheckpointPath(Options.RunDirectory, BestName);

    /// <summary>
    /// Loads model weights, optimizer state and training state from a checkpoint (usually <see cref="LastCheckpointPath"/>
    /// of an earlier run); the next <see cref="Fit"/> continues from it.
    /// </summary>
    public CheckpointState Resume(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        // The configuration owns the hyper-parameters: a resume with a changed lr or weight decay must use the new
        // values, not the ones stored with the optimizer state (with an unchanged config they are the same).
        var configured = Optimizer.Groups().Select(g => (Lr: g.LearningRate, InitialLr: g.InitialLearningRate, WeightDecay: g.WeightDecay())).ToArray();
        RawWeightsIn();
        // With a weight average the file's model. tensors are the average and train. the raw weights.
        var state = Checkpoint.Load(checkpointPath, Model, Optimizer, out var raw);
        try
        {
            if (_ema is not null)
            {
                if (raw.Count == 0)
                    _logger.LogWarning("Checkpoint {Path} holds no weight average; the EMA restarts from its weights", checkpointPath);
                _ema.Load(Model.state_dict());
            }
            else if (raw.Count > 0)
                _logger.LogWarning("Checkpoint {Path} was trained with a weight average but this configuration has none; training goes on from its raw weights", checkpointPath);
            if (raw.Count > 0) Model.load_state_dict_checked(raw, strict: true);
        }
        finally
        {
            foreach (var t in raw.Values) t.Dispose();
        }
        for (var i = 0; i < configured.Length; i++)
        {
            var g = Optimizer.Groups()[i];
            if (g.InitialLearningRate != configured[i].InitialLr || g.WeightDecay() != configured[i].WeightDecay)
                _logger.LogWarning("Parameter group {Group}: the configuration's lr {Lr} and weight decay {Decay} replace the checkpoint's {SavedLr} and {SavedDecay}",
                    i, configured[i].InitialLr, configured[i].WeightDecay, g.InitialLearningRate, g.WeightDecay());
            g.LearningRate = configured[i].Lr;
            g.InitialLearningRate = configured[i].InitialLr;
            g.SetWeightDecay(configured[i].WeightDecay);
        }
        if (state.Seed != Config.Seed)
            _logger.LogWarning("Checkpoint {Path} was trained with seed {Saved} but the configuration says {Seed}; the resumed run will not match an uninterrupted one",
                checkpointPath, state.Seed, Config.Seed);
        _resume = state;
        _logger.LogInformation("Resuming from {Path}: {Epochs} epochs done, step {Step} of the next, global step {GlobalStep}",
            checkpointPath, state.CompletedEpochs, state.StepInEpoch, state.GlobalStep);
        return state;
    }

    /// <summary>
    /// Trains for the configured epochs (or until early stopping or cancellation) and returns the history. A fresh
    /// trainer starts at epoch 1; after <see cref="Resume"/> it continues from the checkpoint.
    /// </summary>
    /// <param name="train">Training batches; each epoch's order comes from the source's seed and the epoch.</param>
    /// <param name="validation">Evaluated after every epoch; without it the training loss/accuracy stand in for the monitored metrics.</param>
    /// <param name="test">Evaluated once at the end (not after a cancel), with the best weights when <see cref="TrainerOptions.RestoreBestWeights"/>.</param>
    /// <param name="progress">Receives a report after every batch.</param>
    /// <param name="cancellationToken">
    /// Ends the run cleanly: the current step finishes, the <c>last</c> checkpoint is saved (mid-epoch, resumable
    /// exactly), and the result says <see cref="RunStatus.Cancelled"/>.
    /// </param>
    /// <exception cref="TrainingDivergedException">The loss, gradient norm or a weight became NaN or infinite; no checkpoint was written for it.</exception>
    public RunResult Fit(IBatchSource train, IBatchSource? validation = null, IBatchSource? test = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        CheckSource(train, "training");
        if (validation is not null) CheckSource(validation, "validation");
        if (test is not null) CheckSource(test, "test");
        var stepsPerEpoch = train.BatchCount;
        if (stepsPerEpoch < 1) throw new ArgumentException("The training source has no batches.", nameof(train));
        if (Config.Threads is { } threads) TorchThreads.Set(threads);
        DistributedDataParallel? ddp = null;
        if (Options.Distributed is { } group)
        {
            train = ShardFor(train, group);
            ddp = new DistributedDataParallel(Model, group, logger: _logger);
        }
        IStepSynchronizer sync = ddp is null ? SingleProcessSynchronizer.Instance : new DataParallelSynchronizer(ddp);
        var isMain = sync.IsMain;

        RawWeightsIn();
        var dir = Options.RunDirectory;
        // Only the main process writes the run folder.
        using var artifacts = isMain ? new RunArtifacts(Options, Config, Model, Optimizer, _ema, _logger) : null;
        artifacts?.WriteConfig();

        var resumed = _resume is not null;
        var state = StartingState(stepsPerEpoch, isMain);

        var schedule = LearningRateSchedule.Create(Config, Optimizer, stepsPerEpoch);
        var checkpointMetric = Config.ResolvedCheckpointMetric;
        var best = new MetricTracker(Config.ResolvedCheckpointMode, 0, state.Best);
        var monitor = new MetricTracker(Config.ResolvedMonitorMode, Config.EarlyStoppingMinDelta, state.Monitor);
        if (validation is null && (Config.EarlyStoppingPatience is not null || checkpointMetric != MonitorMetric.ValLoss || Config.Monitor != MonitorMetric.ValLoss))
            _logger.LogWarning("No validation set: early stopping and the best checkpoint follow the training loss/accuracy instead of {Monitor}/{Checkpoint}",
                ConfigNames.Of(Config.Monitor), ConfigNames.Of(checkpointMetric));

        var history = new List<EpochRecord>(state.History);
        var context = new TrainingContext(dir, Model, Config, Options.ModelSpec, train.ClassNames, history, _logger);
        artifacts?.OpenLogs(history);
        // After a resume too: every rank loaded the same checkpoint, but a rank that built its replica from another
        // seed (or loaded nothing) must not start from its own weights.
        sync.BroadcastWeights();
        if (ddp is not null)
            _logger.LogInformation("Rank {Rank}/{World}: data-parallel training, weights broadcast from rank 0, {Buckets} gradient buckets",
                ddp.Group.Rank, ddp.Group.WorldSize, ddp.Buckets.Count);

        var trainingStep = new TrainingStep(Model, Optimizer, _trainable, Config, _ema, sync, Diverged);
        var runClock = Stopwatch.StartNew();
        _sessionSteps = 0;
        _sessionStepSeconds = 0;
        var totalSteps = (long)Config.Epochs * stepsPerEpoch;
        var globalStep = state.GlobalStep;
        var parameterCount = Model.parameter_count();
        _logger.LogInformation("Training {Model} ({Parameters:N0} parameters) for {Epochs} epochs of {Steps} steps with {Optimizer} lr {Lr}, schedule {Schedule}; run folder {Dir}",
            Model.GetName(), parameterCount, Config.Epochs, stepsPerEpoch, ConfigNames.Of(Config.Optimizer), Config.LearningRate, ConfigNames.Of(Config.Schedule), dir);
        Notify("OnRunStart", cb => cb.OnRunStart(context));

        var status = RunStatus.Completed;
        MetricsReport? lastValidation = null;
        PartialEpoch? unfinished = null;
        for (var epoch = state.CompletedEpochs; epoch < Config.Epochs; epoch++)
        {
            var start = state.StepInEpoch > 0 && state.Partial is { } p ? p : new PartialEpoch(0, 0, 0, 0);
            var (sums, stepsDone, cancelled) = TrainEpoch(train, epoch, state.StepInEpoch, start, trainingStep, sync, schedule, ref globalStep, totalSteps,
                artifacts, progress, runClock, cancellationToken);
            if (cancelled)
            {
                state = state with
                {
                    StepInEpoch = stepsDone, GlobalStep = globalStep, SchedulerEpoch = schedule.Position, StepsPerEpoch = stepsPerEpoch,
                    Partial = sums, History = history.ToList(), TrainSeconds = history.Sum(h => h.Seconds) + sums.Seconds,
                };
                if (artifacts is not null) SaveLast(artifacts, state, epoch + 1, globalStep, parameterCount);
                unfinished = sums;
                status = RunStatus.Cancelled;
                if (isMain)
                    _logger.LogWarning("Cancelled after step {Step}/{Steps} of epoch {Epoch}; saved {Path} (resume continues exactly from here)",
                        stepsDone, stepsPerEpoch, epoch + 1, LastCheckpointPath);
                else
                    _logger.LogWarning("Cancelled after step {Step}/{Steps} of epoch {Epoch}; rank 0 saved the checkpoint", stepsDone, stepsPerEpoch, epoch + 1);
                break;
            }

            CheckFiniteWeights(epoch + 1, globalStep);
            var validationClock = Stopwatch.StartNew();
            var val = validation is null ? null : Validate(validation, epoch, globalStep, totalSteps, schedule, runClock, progress);
            lastValidation = val ?? lastValidation;

            var trainLoss = sums.LossSum / Math.Max(sums.Samples, 1);
            var trainAccuracy = (double)sums.Correct / Math.Max(sums.Samples, 1);
            var record = new EpochRecord(epoch + 1, globalStep, schedule.CurrentLearningRate, trainLoss, trainAccuracy,
                val?.Loss, val?.Top1, val?.Top5, val is null ? null : val.Auc ?? val.MacroAuc,
                sums.Seconds + validationClock.Elapsed.TotalSeconds, sums.Samples / Math.Max(sums.Seconds, 1e-9));
            history.Add(record);
            var improved = best.Update(MetricValue(checkpointMetric, val, trainLoss, trainAccuracy), epoch + 1);
            monitor.Update(MetricValue(Config.Monitor, val, trainLoss, trainAccuracy), epoch + 1);

            state = state with
            {
                CompletedEpochs = epoch + 1, StepInEpoch = 0, GlobalStep = globalStep, SchedulerEpoch = schedule.Position, StepsPerEpoch = stepsPerEpoch,
                Best = best.State, Monitor = monitor.State, Partial = null, History = history.ToList(), TrainSeconds = history.Sum(h => h.Seconds),
            };
            if (artifacts is not null)
            {
                SaveLast(artifacts, state, epoch + 1, globalStep, parameterCount);
                artifacts.WriteEpoch(state, record, improved, parameterCount);
            }
            LogEpoch(record, improved, isMain);
            Notify("OnEpochEnd", cb => cb.OnEpochEnd(context, record, val));

            var (stopEarly, cancelNow) = sync.AgreeToStop(
                Config.EarlyStoppingPatience is { } patience && monitor.EpochsWithoutImprovement >= patience && epoch + 1 < Config.Epochs,
                cancellationToken.IsCancellationRequested && epoch + 1 < Config.Epochs);
            if (stopEarly)
            {
                status = RunStatus.EarlyStopped;
                _logger.LogInformation("Early stopping after epoch {Epoch}: {Metric} has not improved for {Patience} epochs (best {Best} at epoch {BestEpoch})",
                    epoch + 1, ConfigNames.Of(Config.Monitor), Config.EarlyStoppingPatience, monitor.Best, monitor.BestEpoch);
                break;
            }
            if (cancelNow)
            {
                status = RunStatus.Cancelled;
                _logger.LogWarning("Cancelled after epoch {Epoch}; saved {Path}", epoch + 1, LastCheckpointPath);
                break;
            }
        }
        // Frees the gradients (to none; TorchSharp's optimizer zero_grad would keep them as zeros).
        Model.zero_grad();
        // From here on the model is the averaged one: the weights that were validated and saved.
        if (_ema is not null && status != RunStatus.Cancelled) _averageIn = EmaScope.AverageIn(_ema, Model);

        var bestPath = File.Exists(BestCheckpointPath) && best.BestEpoch is not null ? BestCheckpointPath : null;
        MetricsReport? testReport = null;
        if (status != RunStatus.Cancelled)
        {
            if (Options.RestoreBestWeights) RestoreBest(sync, bestPath, best.BestEpoch, history.LastOrDefault()?.Epoch);
            // Only rank 0 reports the test metrics; the other ranks would compute the same numbers on the same weights.
            if (test is not null && isMain) testReport = Test(test, history.Count, globalStep, totalSteps, schedule, runClock, progress);
        }

        artifacts?.WriteStatistics(state, status, parameterCount);
        var result = new RunResult
        {
            Status = status,
            History = history.ToList(),
            CompletedEpochs = history.Count,
            GlobalStep = globalStep,
            CheckpointMetric = checkpointMetric,
            BestEpoch = best.BestEpoch,
            BestMetric = best.Best,
            LastValidation = lastValidation,
            Test = testReport,
            TrainSeconds = history.Sum(h => h.Seconds) + (unfinished?.Seconds ?? 0),
            ParameterCount = parameterCount,
            FlopsPerClip = Model.FlopsPerClip,
            RunDirectory = dir,
            BestCheckpoint = bestPath,
            LastCheckpoint = File.Exists(LastCheckpointPath) ? LastCheckpointPath : null,
            Resumed = resumed,
        };
        Notify("OnRunEnd", cb => cb.OnRunEnd(context, result));
        return result;
    }

    /// <summary>Frees the optimizer's state and the weight average.</summary>
    public void Dispose()
    {
        Optimizer.Dispose();
        _ema?.Dispose();
    }

    // Puts the best epoch's weights in the model unless the last epoch was the best.
    private void RestoreBest(IStepSynchronizer sync, string? bestPath, int? bestEpoch, int? lastEpoch)
    {
        if (sync.IsMain && bestPath is not null && bestEpoch != lastEpoch)
        {
            Checkpoint.Load(bestPath, Model);
            _logger.LogInformation("Restored the weights of epoch {Epoch}, the best by {Metric}", bestEpoch, ConfigNames.Of(Config.ResolvedCheckpointMetric));
        }
        // Only rank 0 holds the best checkpoint; the others take its weights so that every rank ends with the same model.
        sync.BroadcastWeights();
    }

    private MetricsReport Test(IBatchSource test, int epochs, long globalStep, long totalSteps, LearningRateSchedule schedule, Stopwatch runClock,
        IProgress<TrainingProgress>? progress)
    {
        var at = new EvaluationPosition(TrainingPhase.Test, epochs, Config.Epochs, globalStep, totalSteps, schedule.CurrentLearningRate, runClock,
            loss => new InvalidOperationException($"The model produced a non-finite test loss ({loss.ToString(CultureInfo.InvariantCulture)})."));
        var report = Evaluator.Run(Model, test, Options.AverageTestViews ? i => i : null, progress, at, CancellationToken.None);
        _logger.LogInformation("Test: {Report}", report);
        return report;
    }

    // Validation is short and its metrics belong to the epoch's checkpoint: a cancel waits for it.
    private MetricsReport Validate(IBatchSource validation, int epoch, long globalStep, long totalSteps, LearningRateSchedule schedule, Stopwatch runClock,
        IProgress<TrainingProgress>? progress)
    {
        var at = new EvaluationPosition(TrainingPhase.Validate, epoch + 1, Config.Epochs, globalStep, totalSteps, schedule.CurrentLearningRate, runClock,
            loss => Diverged(epoch + 1, 0, globalStep, "validation loss", loss));
        using (EmaScope.AverageIn(_ema, Model))
            return Evaluator.Run(Model, validation, null, progress, at, CancellationToken.None);
    }

    // The resumed state, or a fresh one; consumes what Resume loaded.
    private CheckpointState StartingState(int stepsPerEpoch, bool isMain)
    {
        var resumed = _resume is not null;
        if (isMain && !resumed && File.Exists(LastCheckpointPath))
            _logger.LogWarning("{Dir} already holds a checkpoint; this fresh run (not resumed) will overwrite it", Options.RunDirectory);
        var state = _resume ?? new CheckpointState { Seed = Config.Seed, DataSeed = Config.DataSeed, StepsPerEpoch = stepsPerEpoch };
        _resume = null;
        if (resumed && state.StepsPerEpoch != stepsPerEpoch)
        {
            if (state.StepInEpoch > 0)
                throw new InvalidOperationException($"The checkpoint stopped at step {state.StepInEpoch} of an epoch of {state.StepsPerEpoch} batches, " +
                                                    $"but the training source now has {stepsPerEpoch}; resume with the same data and batch size.");
            _logger.LogWarning("The checkpoint was written with {Saved} batches per epoch, the source now has {Now}; the run will not match an uninterrupted one",
                state.StepsPerEpoch, stepsPerEpoch);
        }
        return state;
    }

    // Puts the raw training weights back into the model if Fit left the average there.
    private void RawWeightsIn()
    {
        _averageIn?.Dispose();
        _averageIn = null;
    }

    private (PartialEpoch Sums, int StepsDone, bool Cancelled) TrainEpoch(IBatchSource train, int epoch, int skip, PartialEpoch start,
        TrainingStep trainingStep, IStepSynchronizer sync, LearningRateSchedule schedule, ref long globalStep, long totalSteps,
        RunArtifacts? artifacts, IProgress<TrainingProgress>? progress, Stopwatch runClock, CancellationToken cancellationToken)
    {
        Model.train();
        manual_seed(TrainingSeeds.EpochSeed(Config.Seed, epoch));
        var clock = Stopwatch.StartNew();
        var stepsPerEpoch = train.BatchCount;
        double lossSum = start.LossSum;
        long correct = start.Correct, samples = start.Samples, sessionSamples = 0;
        var step = 0;
        var cancelled = false;
        foreach (var batch in train.GetBatches(epoch))
        {
            using var owned = batch;
            if (step < skip)
            {
                // Replaying the epoch's order up to where the checkpoint stopped; these batches were already trained on.
                step++;
                continue;
            }
            var stepStart = clock.Elapsed.TotalSeconds;
            var outcome = trainingStep.Run(batch, epoch, step, globalStep, schedule, cancellationToken.IsCancellationRequested);
            step++;
            globalStep++;
            _sessionSteps++;
            _sessionStepSeconds += clock.Elapsed.TotalSeconds - stepStart;
            lossSum += outcome.Loss * outcome.Size;
            correct += outcome.Correct;
            samples += outcome.Size;
            sessionSamples += outcome.Size;
            artifacts?.WriteStep(globalStep, outcome.Loss, schedule.CurrentLearningRate);
            if (progress is not null)
            {
                var eta = TimeSpan.FromSeconds(_sessionStepSeconds / _sessionSteps * (totalSteps - globalStep));
                progress.Report(new TrainingProgress(TrainingPhase.Train, epoch + 1, Config.Epochs, step, stepsPerEpoch, globalStep, totalSteps,
                    lossSum / samples, (double)correct / samples, schedule.CurrentLearningRate, sessionSamples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9),
                    runClock.Elapsed, eta));
            }
            if (sync.StopAfterStep(outcome, cancellationToken) && step < stepsPerEpoch)
            {
                cancelled = true;
                break;
            }
        }
        return (new PartialEpoch(lossSum, correct, samples, start.Seconds + clock.Elapsed.TotalSeconds), step, cancelled);
    }

    private static IBatchSource ShardFor(IBatchSource train, ProcessGroup group)
    {
        if (train is not ShardedBatchSource sharded) return new ShardedBatchSource(train, group);
        if (sharded.Rank != group.Rank || sharded.WorldSize != group.WorldSize)
            throw new ArgumentException($"The training source is sharded for rank {sharded.Rank} of {sharded.WorldSize} but this process is rank {group.Rank} of {group.WorldSize}.", nameof(train));
        return sharded;
    }

    private bool IsMain => Options.Distributed?.IsMain ?? true;

    // A NaN weight must never replace a good checkpoint.
    private void SaveLast(RunArtifacts artifacts, CheckpointState state, int epoch, long globalStep, long parameterCount)
    {
        CheckFiniteWeights(epoch, globalStep);
        artifacts.SaveCheckpoint(LastName, state, null, parameterCount);
    }

    private void CheckFiniteWeights(int epoch, long globalStep)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, p) in Model.named_parameters())
            if (!p.isfinite().all().ToBoolean())
                throw Diverged(epoch, 0, globalStep, $"weight '{name}'", double.NaN);
    }

    private TrainingDivergedException Diverged(int epoch, int step, long globalStep, string quantity, double value)
    {
        var e = new TrainingDivergedException(epoch, step, globalStep, quantity, value, File.Exists(LastCheckpointPath) ? LastCheckpointPath : null);
        _logger.LogError("{Message}", e.Message);
        return e;
    }

    private static double MetricValue(MonitorMetric metric, MetricsReport? val, double trainLoss, double trainAccuracy) => metric switch
    {
        MonitorMetric.ValLoss => val?.Loss ?? trainLoss,
        MonitorMetric.ValAccuracy => val?.Top1 ?? trainAccuracy,
        MonitorMetric.ValAuc => val is null ? trainAccuracy : val.Auc ?? val.MacroAuc ?? double.NaN,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
    };

    private void CheckSource(IBatchSource source, string role)
    {
        if (source.ClassNames.Count != Model.NumClasses)
            throw new ArgumentException($"The {role} source has {source.ClassNames.Count} classes but {Model.GetName()} predicts {Model.NumClasses}.");
    }

    private void Notify(string hook, Action<ITrainingCallback> call)
    {
        if (!IsMain) return;
        foreach (var callback in Options.Callbacks)
        {
            try
            {
                call(callback);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Training callback {Callback} failed in {Hook}; training goes on", callback.GetType().Name, hook);
            }
        }
    }

    private void LogEpoch(EpochRecord record, bool improved, bool isMain) =>
        _logger.Log(isMain ? LogLevel.Information : LogLevel.Debug, "Epoch {Epoch}/{Epochs}: train loss {TrainLoss:F4} acc {TrainAcc:P1} | val loss {ValLoss} acc {ValAcc} | lr {Lr:G3} | {Seconds:F1}s, {Rate:F1} clips/s{Best}",
            record.Epoch, Config.Epochs, record.TrainLoss, record.TrainAccuracy, F(record.ValLoss, "F4"), F(record.ValAccuracy, "P1"),
            record.LearningRate, record.Seconds, record.ClipsPerSecond, improved ? " (best)" : "");

    private static string F(double? v, string format) => v?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}
