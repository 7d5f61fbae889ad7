using FluentAssertions;
using VideoTransformers.Training.Configuration;
using Xunit;

namespace VideoTransformers.Cli.Tests;

/// <summary>How vt train combines its flags with a configuration file: agreement, gaps filled, contradictions refused.</summary>
public class TrainSettingsTests
{
    private static Args Train(params string[] argv) => new(argv, TrainCommand.Options, TrainCommand.Flags);

    private static RunConfig Config(string yaml) => ConfigLoader.Parse(yaml, "run.yaml") with { SourcePath = "run.yaml" };

    [Theory]
    [InlineData("model_name: frame-vit\n", "--model vivit contradicts model_name: frame-vit in run.yaml", "--model", "vivit")]
    [InlineData("model_name: vivit\nvariant: joint\n", "--variant factorised-encoder contradicts variant: joint in run.yaml",
        "--variant", "factorised-encoder")]
    [InlineData("model_name: frame-vit\nmodel_preset: frame-vit-kth\n", "--preset frame-vit-kth-patch8 contradicts model_preset: frame-vit-kth in run.yaml",
        "--model", "frame-vit", "--preset", "frame-vit-kth-patch8")]
    [InlineData("variant: divided\n", "--variant space-only contradicts variant: divided in run.yaml", "--model", "timesformer", "--variant", "space-only")]
    public void A_flag_that_contradicts_the_config_is_an_error_naming_both(string yaml, string message, params string[] argv)
    {
        var act = () => TrainCommand.ResolveModel(Train(argv), Config(yaml));

        act.Should().Throw<UsageException>().WithMessage(message + "*");
    }

    [Fact]
    public void Vt_train_refuses_a_contradicting_model_before_reading_data_or_writing_anything()
    {
        var dir = Directory.CreateTempSubdirectory("vt-contradiction").FullName;
        try
        {
            var config = Path.Combine(dir, "framevit.yaml");
            File.WriteAllText(config, "model_name: frame-vit\nnum_epochs: 1\n");
            var run = Path.Combine(dir, "run");

            var (code, stdout, stderr) = VtProcess.Run(["train", "--config", config, "--model", "vivit", "--dataset", "synthetic", "--out", run]);

            code.Should().Be(2, stderr);
            stderr.Should().Contain($"error: --model vivit contradicts model_name: frame-vit in {config}").And.NotContain("   at ");
            stdout.Should().BeEmpty();
            Directory.Exists(run).Should().BeFalse();
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Flags_that_agree_with_the_config_in_any_spelling_are_fine_and_fill_its_gaps()
    {
        var vivit = Config("model_name: vivit\nvariant: factorised-encoder\n");
        TrainCommand.ResolveModel(Train("--model", "vivit", "--variant", "factorized-encoder"), vivit)
            .Should().Be(("vivit", vivit.Model));

        var seed = Config("model_name: ViT\n");
        TrainCommand.ResolveModel(Train("--model", "ViT"), seed).Model.Should().Be("frame-vit");
        TrainCommand.ResolveModel(Train("--model", "frame-vit", "--preset", "frame-vit-kth-patch8"), seed)
            .Should().Be(("frame-vit", seed.Model with { Preset = "frame-vit-kth-patch8" }), "a flag fills what the file leaves open");

        var (model, options) = TrainCommand.ResolveModel(Train("--model", "timesformer"), Config("variant: divided\n"));
        (model, options.Variant).Should().Be(("timesformer", "divided"), "a config variant without model_name is not dropped");
    }

    [Fact]
    public void Flags_override_the_file_and_the_result_is_checked_once_naming_the_flag_or_the_key()
    {
        var file = Config("lr: 0.001\nmin_lr: 0.0001\nschedule: cosine\nnum_epochs: 5\n");

        TrainCommand.TrainingSettings(Train("--lr", "0.002", "--epochs", "7"), file)
            .Should().Be(file.Training with { LearningRate = 0.002, Epochs = 7 });

        var zero = () => TrainCommand.TrainingSettings(Train("--epochs", "0", "--lr", "-1"), file);
        zero.Should().Throw<UsageException>().WithMessage("Invalid training settings: --epochs 0: must be at least 1; --lr -1: must be a finite number >= 0*");

        var belowMin = () => TrainCommand.TrainingSettings(Train("--lr", "0.00001"), file);
        belowMin.Should().Throw<UsageException>().WithMessage("*min_lr (from run.yaml) must be in [0, lr]*");
    }
}
