using FluentAssertions;
using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Tests.Support;
using Xunit;

namespace VideoTransformers.Training.Tests.Configuration;

public class ConfigTests
{
    private const string Seed000 = """
        # seed 000's configuration, as it was
        model_name: frame-vit
        batch_size: 16
        num_epochs: 25
        lr: 3e-4
        patch_size: 8
        token_dim: 96
        attn_dim: 64
        num_heads: 3
        mlp_size: 192
        num_tf_layers: 4
        num_classes: 6
        max_frames: 50
        slicing_step: 5
        """;

    [Fact]
    public void Seed_000_keys_load_into_model_and_training_settings()
    {
        var config = ConfigLoader.Parse(Seed000, "seed000.yaml");

        config.Training.Should().Be(new TrainingConfig { BatchSize = 16, Epochs = 25, LearningRate = 3e-4 });
        config.Model.Frames.Should().Be(10);
        var spec = config.Model.ToModelSpec(channels: 1, height: 64, width: 64);
        spec.Model.Should().Be("frame-vit");
        spec.FrameViT.Should().Be(FrameViTConfig.KthDefault with
        {
            PatchSize = 8, TokenDim = 96, AttnDim = 64, Heads = 3, MlpDim = 192, Layers = 4, Classes = 6, Frames = 10,
        });
    }

    [Theory]
    [InlineData("ViT")]
    [InlineData("vit")]
    public void The_early_seed_spelling_ViT_is_frame_vit(string name)
    {
        var config = ConfigLoader.Parse(Seed000.Replace("model_name: frame-vit", "model_name: " + name), "seed000.yaml");

        config.Model.ModelName.Should().Be("frame-vit");
        var spec = config.Model.ToModelSpec(channels: 1, height: 64, width: 64);
        spec.Model.Should().Be("frame-vit");
        (spec.FrameViT!.AttnDim, spec.FrameViT.PatchSize).Should().Be(((long?)64L, 8L), "frame-vit's own keys apply to ViT");
        ConfigWriter.ToYaml(config).Should().Contain("model_name: frame-vit\n");
        new ModelOptions { ModelName = name, NumClasses = 6, MaxFrames = 10 }.ToModelSpec(channels: 1, height: 64, width: 64).Model.Should().Be("frame-vit");
    }

    [Fact]
    public void Frames_are_the_length_of_a_strided_slice()
    {
        new ModelOptions { MaxFrames = 51, SlicingStep = 5 }.Frames.Should().Be(11);
        new ModelOptions { MaxFrames = 16 }.Frames.Should().Be(16);
        new ModelOptions().Frames.Should().BeNull();
    }

    [Fact]
    public void Other_families_and_training_keys_load_with_the_preset_applied_first()
    {
        var config = ConfigLoader.Parse("""
            lr: 5e-4
            model_name: vivit
            variant: factorised-encoder
            image_size: 32
            channels: 3
            tubelet_size: [2, 8, 8]
            token_dim: 64
            temporal_layers: 1
            pooling: cls
            num_classes: 5
            max_frames: 8
            training_preset: adamw-cosine
            betas: [0.9, 0.98]
            early_stopping_patience: 4
            monitor: val_auc
            checkpoint_metric: val_loss
            grad_clip_norm: null
            ema_decay: 0.999
            """);

        config.Training.Should().Be(TrainingConfig.AdamWCosine with
        {
            LearningRate = 5e-4, Beta2 = 0.98, EarlyStoppingPatience = 4, Monitor = MonitorMetric.ValAuc, CheckpointMetric = MonitorMetric.ValLoss,
            GradClipNorm = null, EmaDecay = 0.999,
        });
        config.Training.ResolvedMonitorMode.Should().Be(MetricMode.Max);
        config.Training.ResolvedCheckpointMode.Should().Be(MetricMode.Min);
        var vivit = config.Model.ToModelSpec().ViViT!;
        vivit.Variant.Should().Be(ViViTVariant.FactorisedEncoder);
        (vivit.TubeletT, vivit.TubeletH, vivit.TubeletW, vivit.Dim, vivit.Channels, vivit.ImageHeight, vivit.Classes, vivit.Frames)
            .Should().Be((2L, 8L, 8L, 64L, 3L, 32L, 5L, 8L));
        using var model = config.Model.ToModelSpec().Build();
        model.NumClasses.Should().Be(5);
    }

    [Fact]
    public void Unknown_keys_are_reported_with_file_line_and_a_suggestion()
    {
        var act = () => ConfigLoader.Parse("model_name: frame-vit\nlearning_rate: 0.001\nbatch_sise: 8\nfoo: bar\n", "run.yaml");

        var error = act.Should().Throw<ConfigException>().Which;
        error.File.Should().Be("run.yaml");
        error.Errors.Should().HaveCount(3);
        error.Errors[0].Should().Be(new ConfigError("run.yaml", 2, "learning_rate", "0.001", "unknown key"));
        error.Errors[1].Should().Be(new ConfigError("run.yaml", 3, "batch_sise", "8", "unknown key (did you mean 'batch_size'?)"));
        error.Errors[2].Key.Should().Be("foo");
        error.Message.Should().Contain("run.yaml:3: key 'batch_sise' = '8': unknown key (did you mean 'batch_size'?)");
    }

    [Theory]
    [InlineData("lr: abc", "lr", "abc", "must be a finite number")]
    [InlineData("lr: -0.1", "lr", "-0.1", "must be a finite number >= 0")]
    [InlineData("step_size: 0", "step_size", "0", "must be at least 1")]
    // Clip geometry reaches the samplers' int arithmetic and frame buffers: bounded far above real values.
    [InlineData("max_frames: 1000000", "max_frames", "1000000", "must be in [1, 100000]")]
    [InlineData("image_size: 5000", "image_size", "5000", "must be in [1, 4096]")]
    [InlineData("betas: [0.9, 1.5]", "betas", "[0.9, 1.5]", "both must be in [0, 1)")]
    [InlineData("batch_size: 0", "batch_size", "0", "must be at least 1")]
    [InlineData("batch_size: 3.5", "batch_size", "3.5", "must be a whole number")]
    [InlineData("optimizer: adamx", "optimizer", "adamx", "must be one of adam, adamw, sgd")]
    [InlineData("betas: 0.9", "betas", "0.9", "must be a list of 2 values")]
    [InlineData("monitor: val_f1", "monitor", "val_f1", "must be one of val_loss, val_accuracy, val_auc")]
    [InlineData("model_name: resnet", "model_name", "resnet", "must be one of frame-vit")]
    [InlineData("label_smoothing: 1", "label_smoothing", "1", "must be in [0, 1)")]
    [InlineData("ema_decay: 1", "ema_decay", "1", "must be in (0, 1)")]
    [InlineData("nesterov: maybe", "nesterov", "maybe", "must be true or false")]
    // libtorch's set_num_threads aborts the process for n <= 0, so 0 must never get past the configuration.
    [InlineData("threads: 0", "threads", "0", "must be at least 1")]
    public void Bad_values_are_reported_with_key_value_and_line(string line, string key, string value, string message)
    {
        var act = () => ConfigLoader.Parse("num_epochs: 3\n" + line + "\n", "bad.yaml");

        var error = act.Should().Throw<ConfigException>().Which.Errors.Should().ContainSingle().Which;
        (error.File, error.Line, error.Key, error.Value).Should().Be(("bad.yaml", 2, key, value));
        error.Message.Should().StartWith(message);
    }

    [Fact]
    public void Keys_that_do_not_apply_to_the_model_and_inconsistent_keys_are_reported_together()
    {
        var act = () => ConfigLoader.Parse("""
            model_name: timesformer
            attn_dim: 64
            variant: factorised-encoder
            warmup_epochs: 2
            warmup_steps: 100
            num_epochs: 1
            """, "x.yaml");

        var errors = act.Should().Throw<ConfigException>().Which.Errors;
        errors.Select(e => e.Key).Should().Equal("attn_dim", "variant", "warmup_epochs", "warmup_steps");
        errors[0].Message.Should().Be("does not apply to timesformer (it applies to frame-vit)");
        errors[1].Message.Should().Contain("Unknown TimeSformer attention 'factorised-encoder'");
        errors[2].Message.Should().Contain("num_epochs=1");
        errors[3].Message.Should().Be("give warmup_epochs or warmup_steps, not both");
    }

    [Fact]
    public void Malformed_yaml_and_a_missing_file_are_reported_with_the_file_name()
    {
        var yaml = () => ConfigLoader.Parse("lr: [1, 2\nbatch_size: 3\n", "broken.yaml");
        var missing = () => ConfigLoader.Load("/nonexistent/run.yaml");
        var list = () => ConfigLoader.Parse("- lr\n- 3\n", "list.yaml");

        yaml.Should().Throw<ConfigException>().Which.Errors.Single().Message.Should().StartWith("is not valid YAML");
        missing.Should().Throw<ConfigException>().Which.Message.Should().Contain("/nonexistent/run.yaml").And.Contain("cannot be read");
        list.Should().Throw<ConfigException>().Which.Errors.Single().Message.Should().Contain("mapping");
    }

    [Fact]
    public void An_empty_file_gives_the_defaults() =>
        ConfigLoader.Parse("# nothing here\n").Should().BeEquivalentTo(new RunConfig());

    [Fact]
    public void The_written_effective_config_loads_back_equal()
    {
        using var dir = new TempDir();
        var config = new RunConfig
        {
            Model = new ModelOptions
            {
                ModelName = "vivit", Variant = "joint", NumClasses = 11, MaxFrames = 28, ImageHeight = 28, ImageWidth = 28, Channels = 1,
                TubeletSize = [8, 8, 8], TokenDim = 128, NumHeads = 8, MlpSize = 512, NumTfLayers = 8, Pooling = Pooling.Mean, LayerNormEps = 1e-6, Dropout = 0.1,
            },
            Training = TrainingConfig.KerasViViT with
            {
                Schedule = ScheduleKind.Cosine, WarmupSteps = 50, MinLr = 1e-7, Threads = 2, Seed = -3, MonitorMode = MetricMode.Max, Monitor = MonitorMetric.ValAccuracy,
                EarlyStoppingPatience = 10, Gamma = 1.0 / 3,
            },
        };
        var path = dir.File("config.yaml");

        ConfigWriter.Save(config, path);
        var back = ConfigLoader.Load(path);

        back.Training.Should().Be(config.Training);
        back.Model.Should().BeEquivalentTo(config.Model);
        File.ReadAllText(path).Should().Contain("min_lr: 1.0e-07").And.Contain("tubelet_size: [8, 8, 8]").And.Contain("weight_decay: 1.0e-05");
    }

    [Fact]
    public void Presets_carry_their_recipes()
    {
        TrainingConfig.Seed000.Should().Match<TrainingConfig>(c => c.Optimizer == OptimizerKind.Adam && c.LearningRate == 3e-4 && c.BatchSize == 32
                                                                   && c.Schedule == ScheduleKind.None && c.StepSize == 10 && c.Gamma == 1.0 / 3);
        TrainingConfig.KerasViViT.Should().Match<TrainingConfig>(c => c.LearningRate == 1e-4 && c.WeightDecay == 1e-5);
        TrainingConfig.AdamWCosine.Should().Match<TrainingConfig>(c => c.Optimizer == OptimizerKind.AdamW && c.Schedule == ScheduleKind.Cosine && c.WarmupEpochs > 0);
        TrainingConfig.Presets.Values.Should().OnlyContain(p => p().Problems().Count == 0);
        ConfigLoader.Parse("training_preset: seed000\nschedule: step\n").Training.Should().Be(TrainingConfig.Seed000 with { Schedule = ScheduleKind.Step });
    }

    [Fact]
    public void Training_config_json_uses_the_yaml_names()
    {
        var json = TrainingConfig.AdamWCosine.ToJson();

        json.Should().Contain("\"num_epochs\": 30").And.Contain("\"optimizer\": \"adamw\"").And.Contain("\"monitor\": \"val_loss\"");
        TrainingConfig.FromJson(json).Should().Be(TrainingConfig.AdamWCosine);
    }

    [Fact]
    public void A_model_spec_needs_the_sizes_the_file_leaves_out()
    {
        var options = new ModelOptions { ModelName = "frame-vit", NumClasses = 6, MaxFrames = 10 };

        var act = () => options.ToModelSpec();

        act.Should().Throw<ArgumentException>().WithMessage("*channels*");
        options.ToModelSpec(channels: 1, height: 64, width: 64).FrameViT!.Frames.Should().Be(10);
        new ModelOptions { ModelName = "bilstm", NumClasses = 3, MaxFrames = 6, FeatureDim = 16, HiddenSize = 8 }.ToModelSpec().Rnn!.Hidden.Should().Be(8);
    }
}
