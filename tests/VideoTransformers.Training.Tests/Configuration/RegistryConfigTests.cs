using FluentAssertions;
using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Zoo;
using Xunit;

namespace VideoTransformers.Training.Tests.Configuration;

/// <summary>The configuration file's model keys and their checks, as the registry of families and variants makes them.</summary>
public class RegistryConfigTests
{
    [Fact]
    public void A_registered_variant_is_a_valid_variant_value_and_builds_its_spec()
    {
        var config = ConfigLoader.Parse("model_name: vivit\nvariant: shifted-window\nnum_classes: 4\nmax_frames: 8\nimage_size: 32\nchannels: 1\ndrop_path: 0.1\n");
        var vivit = config.Model.ToModelSpec().ViViT!;
        vivit.Variant.Should().BeSameAs(ViViTShiftedWindow.Instance);
        (vivit.Pooling, vivit.DropPath, vivit.Frames, vivit.Classes).Should().Be((Pooling.Mean, 0.1, 8L, 4L));
        ConfigLoader.Parse("model_name: vivit\nvariant: swin\n").Model.Variant.Should().Be("swin", "aliases are accepted as written");
    }

    [Fact]
    public void A_variant_of_another_family_or_no_family_is_refused_with_the_choices()
    {
        var wrongFamily = () => ConfigLoader.Parse("model_name: timesformer\nvariant: shifted-window\n", "x.yaml");
        wrongFamily.Should().Throw<ConfigException>().Which.Errors.Single().Message
            .Should().Be("Unknown TimeSformer attention 'shifted-window'; expected divided, joint or space-only.");
        var unknown = () => ConfigLoader.Parse("variant: diagonal\n", "x.yaml");
        unknown.Should().Throw<ConfigException>().Which.Errors.Single().Message
            .Should().Be("must be one of " + string.Join(", ", ModelRegistry.VariantNames));
        ModelRegistry.VariantNames.Should().Contain(["shifted-window", "swin", "factorized-encoder", "space_only"]);
        var noVariants = () => ConfigLoader.Parse("model_name: cnn-lstm\nvariant: joint\n", "x.yaml");
        noVariants.Should().Throw<ConfigException>().Which.Errors.Single().Message.Should().Be("does not apply to cnn-lstm (it applies to vivit, timesformer)");
    }

    [Theory]
    [InlineData("drop_path: 0.1", "actionbert", "frame-vit, vivit, timesformer")]
    [InlineData("tubelet_size: [2, 8, 8]", "timesformer", "vivit")]
    [InlineData("hidden_size: 8", "vivit", "bilstm, cnn-lstm")]
    [InlineData("token_dim: 8", "bilstm", "frame-vit, vivit, timesformer, actionbert")]
    [InlineData("image_size: 32", "bilstm", "frame-vit, vivit, timesformer, actionbert, cnn-lstm")]
    [InlineData("layer_norm_eps: 1e-6", "frame-vit", "vivit, timesformer, actionbert")]
    public void A_key_applies_to_the_families_whose_settings_have_it(string line, string family, string families)
    {
        var act = () => ConfigLoader.Parse($"model_name: {family}\n{line}\n", "x.yaml");
        act.Should().Throw<ConfigException>().Which.Errors.Single().Message.Should().Be($"does not apply to {family} (it applies to {families})");
    }
}
