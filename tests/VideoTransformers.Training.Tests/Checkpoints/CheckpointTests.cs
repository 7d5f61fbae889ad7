using VideoTransformers.Torch.Serialization;
using FluentAssertions;
using VideoTransformers.Data.Loading;
using VideoTransformers.Torch;
using VideoTransformers.Training.Checkpoints;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Optimization;
using VideoTransformers.Training.Runs;
using VideoTransformers.Training.Tests.Support;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Tests.Checkpoints;

public class CheckpointTests
{
    private static readonly TrainingConfig AdamW = new() { Optimizer = OptimizerKind.AdamW, LearningRate = 3e-3, WeightDecay = 0.05 };

    private static void Step(nn.Module model, optim.Optimizer optimizer, Batch batch)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(((nn.Module<Tensor, Tensor>)model).forward(batch.Inputs), batch.Labels);
        loss.backward();
        optimizer.step();
    }

    [Fact]
    public void Round_trip_with_optimizer_state_continues_exactly_like_the_original()
    {
        using var dir = new TempDir();
        using var source = TinyTask.Source(8, 4, batchSize: 4, shuffle: false);
        var batches = source.GetBatches(0).ToList();
        try
        {
            using var original = TinyTask.Model();
            using var originalOptimizer = OptimizerFactory.Create(AdamW, original);
            for (var i = 0; i < 3; i++) Step(original, originalOptimizer, batches[i % 2]);
            var state = new CheckpointState { CompletedEpochs = 1, StepInEpoch = 1, GlobalStep = 3, SchedulerEpoch = 3, StepsPerEpoch = 2, Seed = 42, DataSeed = 7 };
            var path = dir.File("checkpoint.safetensors");
            Checkpoint.Save(path, original, originalOptimizer, state);

            using var restored = TinyTask.Model();
            using var restoredOptimizer = OptimizerFactory.Create(AdamW, restored);
            TinyTask.SameWeights(restored, original).Should().BeFalse();
            var loaded = Checkpoint.Load(path, restored, restoredOptimizer);

            loaded.Should().BeEquivalentTo(state);
            TinyTask.SameWeights(restored, original).Should().BeTrue();
            Step(original, originalOptimizer, batches[1]);
            Step(restored, restoredOptimizer, batches[1]);
            TinyTask.MaxAbsDiff(restored, original).Should().Be(0);

            var a = originalOptimizer.tensor_state_dict();
            var b = restoredOptimizer.tensor_state_dict();
            b.Scalars.Should().BeEquivalentTo(a.Scalars);
            b.Tensors.Keys.Should().BeEquivalentTo(a.Tensors.Keys);
            a.Tensors.Should().OnlyContain(kv => kv.Value.Identical(b.Tensors[kv.Key]));
        }
        finally
        {
            foreach (var b in batches) b.Dispose();
        }
    }

    [Fact]
    public void Sgd_momentum_created_by_the_first_step_round_trips_and_continues_exactly()
    {
        using var dir = new TempDir();
        using var source = TinyTask.Source(8, 4, batchSize: 4, shuffle: false);
        var batches = source.GetBatches(0).ToList();
        var sgd = new TrainingConfig { Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9, WeightDecay = 0.01 };
        try
        {
            using var original = TinyTask.Model();
            using var originalOptimizer = OptimizerFactory.Create(sgd, original);
            for (var i = 0; i < 2; i++) Step(original, originalOptimizer, batches[i]);
            var path = dir.File("sgd.safetensors");
            Checkpoint.Save(path, original, originalOptimizer, new CheckpointState());

            using var restored = TinyTask.Model();
            using var restoredOptimizer = OptimizerFactory.Create(sgd, restored);
            restoredOptimizer.tensor_state_dict().Tensors.Should().BeEmpty("SGD makes its momentum buffers at the first step");
            Checkpoint.Load(path, restored, restoredOptimizer);
            var a = originalOptimizer.tensor_state_dict();
            var b = restoredOptimizer.tensor_state_dict();
            a.Tensors.Keys.Should().Contain("state.0.momentum_buffer");
            b.Tensors.Keys.Should().BeEquivalentTo(a.Tensors.Keys);
            a.Tensors.Should().OnlyContain(kv => kv.Value.Identical(b.Tensors[kv.Key]));
            b.Tensors.Should().OnlyContain(kv => !ReferenceEquals(kv.Value, a.Tensors[kv.Key]));

            Step(original, originalOptimizer, batches[0]);
            Step(restored, restoredOptimizer, batches[0]);
            TinyTask.SameWeights(restored, original).Should().BeTrue();
        }
        finally
        {
            foreach (var b in batches) b.Dispose();
        }
    }

    [Fact]
    public void Optimizer_state_that_does_not_fit_is_refused_by_key_and_changes_nothing()
    {
        using var model = TinyTask.Model();
        using var optimizer = OptimizerFactory.Create(AdamW, model);
        using var source = TinyTask.Source(4, 4, batchSize: 4);
        foreach (var batch in source.GetBatches(0)) using (batch) Step(model, optimizer, batch);
        var before = optimizer.tensor_state_dict();
        using var scope = NewDisposeScope();
        var saved = before.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var scalars = before.Scalars.ToDictionary(kv => kv.Key, kv => kv.Value);

        var wrongShape = new Dictionary<string, Tensor>(saved) { ["state.0.exp_avg"] = zeros(3) };
        var zeroed = saved.ToDictionary(kv => kv.Key, kv => zeros_like(kv.Value));
        var unknownParameter = new Dictionary<string, Tensor>(zeroed) { ["state.9999.exp_avg"] = zeros(3) };
        var unknownName = new Dictionary<string, Tensor>(zeroed) { ["state.0.momentum_buffer"] = zeros_like(saved["state.0.exp_avg"]) };

        optimizer.Invoking(o => o.load_tensor_state_dict(new OptimizerStateDict(wrongShape, scalars)))
            .Should().Throw<ArgumentException>().WithMessage("*'state.0.exp_avg'*shape [3]*");
        optimizer.Invoking(o => o.load_tensor_state_dict(new OptimizerStateDict(unknownParameter, scalars)))
            .Should().Throw<ArgumentException>().WithMessage("*parameter 9999*");
        optimizer.Invoking(o => o.load_tensor_state_dict(new OptimizerStateDict(unknownName, scalars)))
            .Should().Throw<ArgumentException>().WithMessage("*AdamW keeps no 'momentum_buffer'*");
        optimizer.Invoking(o => o.load_tensor_state_dict(new OptimizerStateDict(zeroed, new Dictionary<string, double>(scalars) { ["group.7.lr"] = 1 })))
            .Should().Throw<ArgumentException>().WithMessage("*group 7*");

        var after = optimizer.tensor_state_dict();
        after.Scalars.Should().BeEquivalentTo(scalars);
        saved.Should().OnlyContain(kv => kv.Value.Identical(after.Tensors[kv.Key]), "a refused state must leave the optimizer as it was");
    }

    [Fact]
    public void Tensors_are_prefixed_and_scalars_live_in_the_metadata()
    {
        using var dir = new TempDir();
        using var model = TinyTask.Model();
        using var optimizer = OptimizerFactory.Create(AdamW, model);
        using var source = TinyTask.Source(4, 4, batchSize: 4);
        foreach (var batch in source.GetBatches(0)) using (batch) Step(model, optimizer, batch);
        var history = new[] { new EpochRecord(1, 1, 3e-3, 1.2, 0.25, 1.1, 0.5, null, double.NaN, 0.5, 8) };
        var path = dir.File("c.safetensors");
        Checkpoint.Save(path, model, optimizer, new CheckpointState
        {
            CompletedEpochs = 1, GlobalStep = 1, Best = new MetricTrackerState(1.1, 1, 0), History = history, Partial = new PartialEpoch(2.5, 3, 4, 0.25),
        });

        using var scope = NewDisposeScope();
        var tensors = SafeTensors.load(path, out var metadata);
        tensors.Keys.Where(k => !k.StartsWith("model.", StringComparison.Ordinal)).Should().OnlyContain(k => k.StartsWith("optim.state.", StringComparison.Ordinal));
        tensors.Keys.Should().Contain("model.cls_token").And.Contain("optim.state.0.exp_avg");
        metadata[Checkpoint.Keys.Format].Should().Be(Checkpoint.FormatTag);
        metadata[Checkpoint.Keys.Epoch].Should().Be("1");
        metadata[Checkpoint.Keys.BestMetric].Should().Be("1.1");
        metadata[Checkpoint.Keys.OptimizerType].Should().Be("AdamW");
        metadata[Checkpoint.Keys.OptimizerScalars].Should().Contain("\"group.0.lr\":0.003");
        var state = Checkpoint.ReadState(path);
        state.History.Should().ContainSingle().Which.ValAuc.Should().Be(double.NaN);
        state.Partial.Should().Be(new PartialEpoch(2.5, 3, 4, 0.25));
    }

    [Fact]
    public void Loading_into_another_optimizer_type_or_without_optimizer_state_is_refused()
    {
        using var dir = new TempDir();
        using var model = TinyTask.Model();
        using var adam = OptimizerFactory.Create(new TrainingConfig(), model);
        var withState = dir.File("a.safetensors");
        var weightsOnly = dir.File("b.safetensors");
        Checkpoint.Save(withState, model, adam, new CheckpointState());
        Checkpoint.Save(weightsOnly, model, null, new CheckpointState());
        using var sgd = OptimizerFactory.Create(new TrainingConfig { Optimizer = OptimizerKind.Sgd }, model);

        var wrongType = () => Checkpoint.Load(withState, model, sgd);
        var noState = () => Checkpoint.Load(weightsOnly, model, adam);

        wrongType.Should().Throw<InvalidDataException>().WithMessage("*Adam state*SGD*");
        noState.Should().Throw<InvalidDataException>().WithMessage("*no optimizer state*");
        Checkpoint.Load(weightsOnly, model).CompletedEpochs.Should().Be(0);
    }

    [Fact]
    public void A_plain_state_dict_loads_as_model_weights()
    {
        using var dir = new TempDir();
        using var model = TinyTask.Model();
        var path = dir.File("weights.safetensors");
        SafeTensors.save(model.state_dict(), path);
        using var other = TinyTask.Model();

        var state = Checkpoint.Load(path, other);

        TinyTask.SameWeights(other, model).Should().BeTrue();
        state.History.Should().BeEmpty();
    }

    [Fact]
    public void Checkpoint_json_round_trips_spec_config_and_statistics()
    {
        using var dir = new TempDir();
        var info = new CheckpointInfo
        {
            Kind = "best", Tensors = "best.safetensors", SavedAt = DateTimeOffset.UnixEpoch, Model = TinyTask.Spec(), Training = TrainingConfig.AdamWCosine,
            Statistics = new TrainingStatistics { Status = RunStatus.EarlyStopped, CompletedEpochs = 3, BestEpoch = 2, BestMetric = double.NaN, History = [] },
        };
        info.Save(dir.File("best.json"));

        var back = CheckpointInfo.Load(dir.File("best.json"));

        back.Should().BeEquivalentTo(info);
        back.Model!.Build().Should().BeOfType<Models.FrameViT>().Which.Dispose();
        File.ReadAllText(dir.File("best.json")).Should().Contain("\"optimizer\": \"adamw\"").And.Contain("\"schedule\": \"cosine\"");
    }

    [Fact]
    public void LoadModel_rebuilds_the_model_from_its_json_with_the_saved_weights_in_eval_mode()
    {
        using var dir = new TempDir();
        using var original = TinyTask.Model();
        var path = dir.File("best.safetensors");
        Checkpoint.Save(path, original, null, new CheckpointState { CompletedEpochs = 2 });
        new CheckpointInfo { Kind = "best", Tensors = "best.safetensors", Model = TinyTask.Spec(), Training = AdamW }.Save(dir.File("best.json"));

        using var loaded = Checkpoint.LoadModel(path, out var info);

        loaded.Should().BeOfType<Models.FrameViT>();
        loaded.training.Should().BeFalse("a loaded model is for evaluation");
        TinyTask.MaxAbsDiff(loaded, original).Should().Be(0);
        info.Kind.Should().Be("best");
        info.Training.Should().BeEquivalentTo(AdamW);
    }

    [Fact]
    public void LoadModel_names_the_missing_checkpoint_the_missing_json_or_the_missing_spec()
    {
        using var dir = new TempDir();
        var path = dir.File("last.safetensors");
        FluentActions.Invoking(() => Checkpoint.LoadModel(path)).Should().Throw<FileNotFoundException>()
            .WithMessage($"*'{path}' does not exist*").Which.FileName.Should().Be(path);

        using (var model = TinyTask.Model()) Checkpoint.Save(path, model, null, new CheckpointState());
        var json = dir.File("last.json");
        FluentActions.Invoking(() => Checkpoint.LoadModel(path)).Should().Throw<FileNotFoundException>()
            .WithMessage($"'{json}' (the model description written next to every checkpoint) is missing.").Which.FileName.Should().Be(json);

        new CheckpointInfo { Kind = "last", Tensors = "last.safetensors" }.Save(json);
        FluentActions.Invoking(() => Checkpoint.LoadModel(path)).Should().Throw<InvalidDataException>().WithMessage($"'{json}' has no model spec.");
    }
}
