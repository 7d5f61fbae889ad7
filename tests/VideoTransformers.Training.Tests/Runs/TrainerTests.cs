using FluentAssertions;
using VideoTransformers.Torch;
using VideoTransformers.Training.Checkpoints;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Evaluation;
using VideoTransformers.Training.Optimization;
using VideoTransformers.Training.Runs;
using VideoTransformers.Training.Tests.Support;
using VideoTransformers.TestSupport;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Tests.Runs;

[Collection(GlobalTorchState.Name)]
public class TrainerTests
{
    [Fact]
    public void Reaches_full_training_accuracy_on_a_tiny_synthetic_task_and_records_the_run()
    {
        using var dir = new TempDir();
        manual_seed(1);
        using var model = TinyTask.Model();
        using var train = TinyTask.Source(16, 4, batchSize: 4, shuffleSeed: 3);
        using var same = TinyTask.Source(16, 4, batchSize: 8, shuffle: false);
        var config = new TrainingConfig { Epochs = 40, LearningRate = 2e-3, Seed = 7, Monitor = MonitorMetric.ValAccuracy };
        var logger = new ListLogger();
        var probe = new CallbackProbe((_, _, _) => { });
        using var trainer = new Trainer(model, config, new TrainerOptions { RunDirectory = dir.Path, ModelSpec = TinyTask.Spec(), Callbacks = [probe] }, logger);

        var result = trainer.Fit(train, validation: same, test: same);

        result.Status.Should().Be(RunStatus.Completed);
        result.History.Should().HaveCount(40);
        result.GlobalStep.Should().Be(160);
        Evaluator.Evaluate(model, same).Top1.Should().Be(1.0);
        result.Test!.Top1.Should().Be(1.0);
        result.Test.Count.Should().Be(16);
        result.BestMetric.Should().Be(1.0);
        result.ParameterCount.Should().Be(model.parameter_count());
        result.History[^1].TrainAccuracy.Should().Be(1.0);
        result.History[^1].TrainLoss.Should().BeLessThan(result.History[0].TrainLoss);
        probe.RunStarts.Should().Be(1);
        probe.Ended.Should().BeSameAs(result);

        File.ReadAllLines(dir.File("metrics.csv")).Should().HaveCount(41).And.StartWith(string.Join(',', Trainer.CsvColumns));
        ConfigLoader.Load(dir.File("config.yaml")).Training.Should().Be(config);
        var best = CheckpointInfo.Load(dir.File("best.json"));
        best.Model.Should().BeEquivalentTo(TinyTask.Spec());
        best.Training.Should().Be(config);
        best.Statistics!.BestEpoch.Should().Be(result.BestEpoch);
        CheckpointInfo.Load(dir.File("last.json")).Statistics!.CompletedEpochs.Should().Be(40);
        Checkpoint.ReadState(dir.File("last.safetensors")).History.Should().HaveCount(40);
        File.ReadAllText(dir.File("training_stats.json")).Should().Contain("\"Status\": \"Completed\"");
        Directory.GetFiles(dir.Path, "events.out.tfevents.*").Should().ContainSingle();
        logger.Entries.Should().Contain(e => e.Message.StartsWith("Epoch 40/40", StringComparison.Ordinal));
    }

    [Fact]
    public void Resuming_from_the_epoch_2_checkpoint_ends_with_the_weights_of_an_uninterrupted_run()
    {
        // Dropout, stochastic depth, AdamW with decay, per-step warmup+cosine, label smoothing and clipping: every piece of state must survive.
        var config = new TrainingConfig
        {
            Epochs = 4, Optimizer = OptimizerKind.AdamW, LearningRate = 2e-3, WeightDecay = 0.05, Schedule = ScheduleKind.Cosine, WarmupSteps = 3,
            MinLr = 1e-5, LabelSmoothing = 0.1, GradClipNorm = 0.5, Seed = 11,
        };
        using var dir = new TempDir();
        using var train = TinyTask.Source(16, 4, batchSize: 4, shuffleSeed: 5);
        using var val = TinyTask.Source(8, 4, batchSize: 8, shuffle: false, dataSeed: 2);
        manual_seed(3);
        using var initial = TinyTask.Model(dropout: 0.1);

        using var straight = TinyTask.CopyOf(initial, dropout: 0.1);
        RunResult full;
        using (var t = new Trainer(straight, config, new TrainerOptions { RunDirectory = dir.Sub("straight"), RestoreBestWeights = false }))
            full = t.Fit(train, val);

        using var cts = new CancellationTokenSource();
        var stopAfter2 = new CallbackProbe((_, e, _) =>
        {
            if (e.Epoch == 2) cts.Cancel();
        });
        var interruptedDir = dir.Sub("interrupted");
        using var first = TinyTask.CopyOf(initial, dropout: 0.1);
        RunResult half;
        using (var t = new Trainer(first, config, new TrainerOptions { RunDirectory = interruptedDir, Callbacks = [stopAfter2] }))
            half = t.Fit(train, val, cancellationToken: cts.Token);
        half.Status.Should().Be(RunStatus.Cancelled);
        half.CompletedEpochs.Should().Be(2);

        manual_seed(99);
        using var resumed = TinyTask.Model(dropout: 0.1);
        TinyTask.SameWeights(resumed, straight).Should().BeFalse("the resumed model must get its weights from the checkpoint");
        RunResult rest;
        using (var t = new Trainer(resumed, config, new TrainerOptions { RunDirectory = interruptedDir, RestoreBestWeights = false }))
        {
            t.Resume(t.LastCheckpointPath).CompletedEpochs.Should().Be(2);
            rest = t.Fit(train, val);
        }

        rest.Status.Should().Be(RunStatus.Completed);
        rest.Resumed.Should().BeTrue();
        TinyTask.MaxAbsDiff(resumed, straight).Should().Be(0);
        TinyTask.SameWeights(resumed, straight).Should().BeTrue();
        rest.History.Select(h => (h.Epoch, h.GlobalStep, h.LearningRate, h.TrainLoss, h.TrainAccuracy, h.ValLoss, h.ValAccuracy))
            .Should().Equal(full.History.Select(h => (h.Epoch, h.GlobalStep, h.LearningRate, h.TrainLoss, h.TrainAccuracy, h.ValLoss, h.ValAccuracy)));
        File.ReadAllLines(Path.Combine(interruptedDir, "metrics.csv")).Should().HaveCount(5);
    }

    [Fact]
    public void Cancelling_mid_epoch_saves_a_checkpoint_that_resumes_exactly()
    {
        var config = new TrainingConfig { Epochs = 3, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9, Schedule = ScheduleKind.Step, StepSize = 1, Gamma = 0.5, Seed = 4 };
        using var dir = new TempDir();
        using var train = TinyTask.Source(16, 4, batchSize: 4, shuffleSeed: 9);
        manual_seed(8);
        using var initial = TinyTask.Model(dropout: 0.2);

        using var straight = TinyTask.CopyOf(initial, dropout: 0.2);
        RunResult full;
        using (var t = new Trainer(straight, config, new TrainerOptions { RunDirectory = dir.Sub("straight"), RestoreBestWeights = false }))
            full = t.Fit(train);

        using var cts = new CancellationTokenSource();
        var cancelAt = new SyncProgress(p =>
        {
            if (p is { Phase: TrainingPhase.Train, Epoch: 2, Step: 2 }) cts.Cancel();
        });
        var runDir = dir.Sub("interrupted");
        using var first = TinyTask.CopyOf(initial, dropout: 0.2);
        RunResult cancelled;
        using (var t = new Trainer(first, config, new TrainerOptions { RunDirectory = runDir }))
            cancelled = t.Fit(train, progress: cancelAt, cancellationToken: cts.Token);

        cancelled.Status.Should().Be(RunStatus.Cancelled);
        cancelled.CompletedEpochs.Should().Be(1);
        cancelled.GlobalStep.Should().Be(6, "the step running when the token fired finishes");
        var saved = Checkpoint.ReadState(Path.Combine(runDir, "last.safetensors"));
        saved.CompletedEpochs.Should().Be(1);
        saved.StepInEpoch.Should().Be(2);
        saved.GlobalStep.Should().Be(6);
        saved.Partial!.Samples.Should().Be(8);

        using var resumed = TinyTask.Model(dropout: 0.2);
        RunResult rest;
        using (var t = new Trainer(resumed, config, new TrainerOptions { RunDirectory = runDir, RestoreBestWeights = false }))
        {
            t.Resume(t.LastCheckpointPath);
            rest = t.Fit(train);
        }

        TinyTask.SameWeights(resumed, straight).Should().BeTrue();
        rest.History.Select(h => (h.TrainLoss, h.TrainAccuracy, h.LearningRate)).Should().Equal(full.History.Select(h => (h.TrainLoss, h.TrainAccuracy, h.LearningRate)));
    }

    [Fact]
    public void With_a_weight_average_validation_checkpoints_and_the_final_model_use_the_average()
    {
        var config = new TrainingConfig { Epochs = 3, Optimizer = OptimizerKind.AdamW, LearningRate = 3e-3, WeightDecay = 0.05, EmaDecay = 0.9, Seed = 2 };
        using var dir = new TempDir();
        using var train = TinyTask.Source(16, 4, batchSize: 4, shuffleSeed: 1);
        using var val = TinyTask.Source(8, 4, batchSize: 8, shuffle: false, dataSeed: 4);
        manual_seed(6);
        using var model = TinyTask.Model();
        RunResult result;
        using (var t = new Trainer(model, config, new TrainerOptions { RunDirectory = dir.Path, RestoreBestWeights = false }))
            result = t.Fit(train, val);

        // The model now holds the average, and the recorded validation loss is the average's.
        Evaluator.Evaluate(model, val).Loss!.Value.Should().BeApproximately(result.History[^1].ValLoss!.Value, 1e-9);

        // last.safetensors: model. = the average (what vt eval loads), train. = the raw weights, which differ from it.
        using var fromFile = TinyTask.Model();
        Checkpoint.Load(dir.File("last.safetensors"), fromFile);
        TinyTask.SameWeights(fromFile, model).Should().BeTrue();
        var raw = Checkpoint.ReadTrainingWeights(dir.File("last.safetensors"));
        try
        {
            raw.Keys.Should().BeEquivalentTo(model.state_dict().Keys);
            using var rawModel = TinyTask.Model();
            rawModel.load_state_dict_checked(raw);
            TinyTask.MaxAbsDiff(rawModel, model).Should().BeGreaterThan(1e-4);
            Evaluator.Evaluate(rawModel, val).Loss!.Value.Should().NotBe(result.History[^1].ValLoss!.Value);
        }
        finally
        {
            foreach (var t in raw.Values) t.Dispose();
        }
    }

    [Fact]
    public void A_run_with_a_weight_average_cancelled_mid_epoch_resumes_exactly()
    {
        var config = new TrainingConfig
        {
            Epochs = 3, Optimizer = OptimizerKind.AdamW, LearningRate = 2e-3, WeightDecay = 0.05, Schedule = ScheduleKind.Cosine, WarmupSteps = 2,
            EmaDecay = 0.8, LabelSmoothing = 0.1, Seed = 12,
        };
        using var dir = new TempDir();
        using var train = TinyTask.Source(16, 4, batchSize: 4, shuffleSeed: 7);
        using var val = TinyTask.Source(8, 4, batchSize: 8, shuffle: false, dataSeed: 3);
        manual_seed(13);
        using var initial = TinyTask.Model(dropout: 0.1);

        using var straight = TinyTask.CopyOf(initial, dropout: 0.1);
        RunResult full;
        using (var t = new Trainer(straight, config, new TrainerOptions { RunDirectory = dir.Sub("straight"), RestoreBestWeights = false }))
            full = t.Fit(train, val);

        using var cts = new CancellationTokenSource();
        var cancelAt = new SyncProgress(p =>
        {
            if (p is { Phase: TrainingPhase.Train, Epoch: 2, Step: 3 }) cts.Cancel();
        });
        var runDir = dir.Sub("interrupted");
        using var first = TinyTask.CopyOf(initial, dropout: 0.1);
        using (var t = new Trainer(first, config, new TrainerOptions { RunDirectory = runDir }))
            t.Fit(train, val, progress: cancelAt, cancellationToken: cts.Token).Status.Should().Be(RunStatus.Cancelled);

        manual_seed(77);
        using var resumed = TinyTask.Model(dropout: 0.1);
        RunResult rest;
        using (var t = new Trainer(resumed, config, new TrainerOptions { RunDirectory = runDir, RestoreBestWeights = false }))
        {
            t.Resume(t.LastCheckpointPath);
            rest = t.Fit(train, val);
        }

        TinyTask.SameWeights(resumed, straight).Should().BeTrue("both end holding the same weight average");
        rest.History.Select(h => (h.TrainLoss, h.ValLoss, h.ValAccuracy)).Should().Equal(full.History.Select(h => (h.TrainLoss, h.ValLoss, h.ValAccuracy)));
    }

    [Fact]
    public void Cancellation_finishes_the_step_saves_last_and_skips_the_test()
    {
        using var dir = new TempDir();
        using var model = TinyTask.Model();
        using var train = TinyTask.Source(16, 4, batchSize: 4);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p is { Phase: TrainingPhase.Train, Epoch: 1, Step: 3 }) cts.Cancel();
        });
        using var trainer = new Trainer(model, new TrainingConfig { Epochs = 5 }, new TrainerOptions { RunDirectory = dir.Path });

        var result = trainer.Fit(train, test: train, progress: progress, cancellationToken: cts.Token);

        result.Status.Should().Be(RunStatus.Cancelled);
        result.History.Should().BeEmpty();
        result.GlobalStep.Should().Be(3);
        result.Test.Should().BeNull();
        result.LastCheckpoint.Should().Be(trainer.LastCheckpointPath);
        progress.Reports.Where(p => p.Phase == TrainingPhase.Train).Should().HaveCount(3);
        File.Exists(dir.File("last.json")).Should().BeTrue();
        File.Exists(dir.File("best.safetensors")).Should().BeFalse("no epoch finished, so there is no best one");
        Checkpoint.ReadState(trainer.LastCheckpointPath).StepInEpoch.Should().Be(3);
        File.ReadAllLines(dir.File("metrics.csv")).Should().ContainSingle("only the header: no epoch finished");
    }

    [Fact]
    public void A_NaN_loss_stops_training_naming_epoch_and_step_and_leaves_the_last_checkpoint_untouched()
    {
        using var dir = new TempDir();
        using var inner = TinyTask.Model();
        // 4 training steps per epoch: the 6th training forward is epoch 2, step 2.
        using var model = new PoisonedClassifier(inner, poisonFromTrainingCall: 6);
        using var train = TinyTask.Source(16, 4, batchSize: 4);
        using var val = TinyTask.Source(8, 4, batchSize: 8, shuffle: false);
        byte[]? lastTensors = null, lastJson = null, bestTensors = null;
        var snapshot = new CallbackProbe((_, e, _) =>
        {
            lastTensors = File.ReadAllBytes(dir.File("last.safetensors"));
            lastJson = File.ReadAllBytes(dir.File("last.json"));
            bestTensors = File.ReadAllBytes(dir.File("best.safetensors"));
        });
        using var trainer = new Trainer(model, new TrainingConfig { Epochs = 3 }, new TrainerOptions { RunDirectory = dir.Path, Callbacks = [snapshot] });

        var act = () => trainer.Fit(train, val);

        var error = act.Should().Throw<TrainingDivergedException>().Which;
        error.Epoch.Should().Be(2);
        error.Step.Should().Be(2);
        error.GlobalStep.Should().Be(6);
        double.IsNaN(error.Value).Should().BeTrue();
        error.Message.Should().Contain("epoch 2, step 2").And.Contain("training loss").And.Contain("last.safetensors");
        error.LastGoodCheckpoint.Should().Be(trainer.LastCheckpointPath);
        File.ReadAllBytes(dir.File("last.safetensors")).Should().Equal(lastTensors);
        File.ReadAllBytes(dir.File("last.json")).Should().Equal(lastJson);
        File.ReadAllBytes(dir.File("best.safetensors")).Should().Equal(bestTensors);
        Checkpoint.ReadState(trainer.LastCheckpointPath).CompletedEpochs.Should().Be(1);
    }

    [Fact]
    public void A_huge_learning_rate_diverges_and_keeps_the_previous_checkpoint_byte_identical()
    {
        using var dir = new TempDir();
        using var model = TinyTask.Model();
        using var train = TinyTask.Source(16, 4, batchSize: 4);
        using (var warm = new Trainer(model, new TrainingConfig { Epochs = 1, LearningRate = 1e-3 }, new TrainerOptions { RunDirectory = dir.Path }))
            warm.Fit(train);
        var before = File.ReadAllBytes(dir.File("last.safetensors"));

        var logger = new ListLogger();
        using var trainer = new Trainer(model, new TrainingConfig { Epochs = 6, LearningRate = 1e30 }, new TrainerOptions { RunDirectory = dir.Path }, logger);
        trainer.Resume(trainer.LastCheckpointPath);
        trainer.Optimizer.Groups().Should().OnlyContain(g => g.LearningRate == 1e30, "the configuration, not the checkpoint, sets the learning rate");
        logger.Entries.Should().Contain(e => e.Message.Contains("replace the checkpoint's", StringComparison.Ordinal));
        var act = () => trainer.Fit(train);

        var error = act.Should().Throw<TrainingDivergedException>().Which;
        error.Epoch.Should().BeGreaterThanOrEqualTo(2);
        error.Message.Should().Contain("Training diverged").And.Contain($"epoch {error.Epoch}");
        File.ReadAllBytes(dir.File("last.safetensors")).Should().Equal(before);
    }

    [Fact]
    public void Early_stopping_stops_after_patience_epochs_without_improvement()
    {
        using var dir = new TempDir();
        using var model = TinyTask.Model();
        using var train = TinyTask.Source(8, 4, batchSize: 4);
        using var val = TinyTask.Source(8, 4, batchSize: 8, shuffle: false);
        // A zero learning rate leaves the weights, hence the validation loss, exactly as they are: epoch 1 stays the best.
        var config = new TrainingConfig { Epochs = 20, LearningRate = 0, EarlyStoppingPatience = 3 };
        using var trainer = new Trainer(model, config, new TrainerOptions { RunDirectory = dir.Path });

        var result = trainer.Fit(train, val);

        result.Status.Should().Be(RunStatus.EarlyStopped);
        result.History.Should().HaveCount(4, "epoch 1 sets the best and 3 epochs without improvement follow");
        result.BestEpoch.Should().Be(1);
        result.History.Select(h => h.ValLoss).Distinct().Should().ContainSingle();
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.99)]
    public void Live_tensor_count_stays_flat_over_hundreds_of_steps_and_returns_to_its_start(double? emaDecay)
    {
        var counts = new List<long>();
        using var dir = new TempDir();
        using var model = TinyTask.Model(dropout: 0.1);
        using var train = TinyTask.Source(32, 4, batchSize: 2);
        using var val = TinyTask.Source(8, 4, batchSize: 4, shuffle: false);
        // The baseline comes after the model and the sources exist: TorchSharp counts every Parameter it creates for
        // good, so the start is where the trainer (optimizer state, weight average) begins, and that it must return to.
        // Tensors other tests (or the model's construction) left to the finalizer go first, so that their finalization
        // cannot move the count during the run; the trainer's own leaks are not collected, and show.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = TensorAccounting.LiveTensors;
        var probe = new CallbackProbe((_, _, _) => counts.Add(TensorAccounting.LiveTensors));
        var config = new TrainingConfig
        {
            Epochs = 16, Optimizer = OptimizerKind.AdamW, WeightDecay = 0.01, Schedule = ScheduleKind.Cosine, WarmupEpochs = 1, GradClipNorm = 1, EmaDecay = emaDecay,
        };
        using (var trainer = new Trainer(model, config, new TrainerOptions { RunDirectory = dir.Path, Callbacks = [probe] }))
        {
            var result = trainer.Fit(train, val, test: val);
            result.GlobalStep.Should().Be(256);
        }
        counts.Should().HaveCount(16);
        counts.Distinct().Should().ContainSingle("no tensor may survive a step, an evaluation or a checkpoint: " + string.Join(",", counts));
        TensorAccounting.LiveTensors.Should().Be(before);
    }

    [Fact]
    public void A_failing_callback_is_logged_and_training_goes_on()
    {
        using var dir = new TempDir();
        using var model = TinyTask.Model();
        using var train = TinyTask.Source(8, 4, batchSize: 4);
        var logger = new ListLogger();
        var broken = new CallbackProbe((_, _, _) => throw new InvalidOperationException("plot failed"));
        using var trainer = new Trainer(model, new TrainingConfig { Epochs = 2 }, new TrainerOptions { RunDirectory = dir.Path, Callbacks = [broken] }, logger);

        var result = trainer.Fit(train);

        result.Status.Should().Be(RunStatus.Completed);
        logger.Entries.Count(e => e.Error?.Message == "plot failed").Should().Be(2);
    }

    [Fact]
    public void A_source_with_the_wrong_number_of_classes_is_rejected()
    {
        using var dir = new TempDir();
        using var model = TinyTask.Model(classes: 4);
        using var train = TinyTask.Source(8, 3, batchSize: 4);
        using var trainer = new Trainer(model, new TrainingConfig { Epochs = 1 }, new TrainerOptions { RunDirectory = dir.Path });

        var act = () => trainer.Fit(train);

        act.Should().Throw<ArgumentException>().WithMessage("*3 classes*predicts 4*");
    }
}
