using FluentAssertions;
using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Optimization;
using VideoTransformers.Training.Tests.Support;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Tests.Optimization;

public class ParameterGroupsTests
{
    [Fact]
    public void FrameViT_decays_only_its_matrices()
    {
        using var model = TinyTask.Model();
        var split = ParameterGroups.Split(model);
        var decay = split.Decay.Select(p => p.Name).ToList();
        var noDecay = split.NoDecay.Select(p => p.Name).ToList();

        decay.Should().BeEquivalentTo(
            "patch_embed.proj.weight",
            "encoder.blocks.0.attn.qkv.weight", "encoder.blocks.0.attn.proj.weight", "encoder.blocks.0.mlp.fc1.weight", "encoder.blocks.0.mlp.fc2.weight",
            "encoder.blocks.1.attn.qkv.weight", "encoder.blocks.1.attn.proj.weight", "encoder.blocks.1.mlp.fc1.weight", "encoder.blocks.1.mlp.fc2.weight",
            "head.fc.weight");
        noDecay.Should().Contain(["cls_token", "pos_embed.weight", "patch_embed.norm_in.weight", "patch_embed.norm_out.bias", "patch_embed.proj.bias",
            "encoder.blocks.0.norm1.weight", "encoder.blocks.1.norm2.bias", "encoder.blocks.0.attn.qkv.bias", "head.fc.bias"]);
        decay.Concat(noDecay).Should().BeEquivalentTo(model.named_parameters().Select(p => p.name));
        split.Decay.Should().OnlyContain(p => p.Parameter.ndim >= 2);
    }

    [Fact]
    public void Build_gives_the_decayed_group_the_weight_decay_and_the_rest_none()
    {
        using var model = TinyTask.Model();
        var groups = ParameterGroups.Build(model, 0.05);
        using var optimizer = OptimizerFactory.Create(new TrainingConfig { Optimizer = OptimizerKind.AdamW, LearningRate = 1e-3, WeightDecay = 0.05 }, groups);

        optimizer.Should().BeOfType<AdamW>();
        optimizer.Groups().Select(g => g.WeightDecay()).Should().Equal(0.05, 0.0);
        groups.Sum(g => g.Parameters.Count).Should().Be(model.parameters().Count());
        groups[1].Parameters.Should().Contain(p => p.ndim == 4, "the 4-D class token is left undecayed by name");
    }

    [Fact]
    public void Factorised_ViViT_keeps_its_tokens_and_temporal_embeddings_undecayed()
    {
        using var model = new ViViT(new ViViTConfig
        {
            Variant = ViViTVariant.FactorisedEncoder, Frames = 4, ImageHeight = 32, ImageWidth = 32, TubeletT = 2, TubeletH = 16, TubeletW = 16,
            Dim = 32, Heads = 2, MlpDim = 64, Layers = 1, TemporalLayers = 1, Classes = 3,
        });
        var noDecay = ParameterGroups.Split(model).NoDecay.Select(p => p.Name).ToList();

        noDecay.Should().Contain(["cls_token", "temporal_token", "pos_embed.weight", "temporal_pos_embed.weight"]);
        ParameterGroups.Split(model).Decay.Select(p => p.Name).Should().Contain("tubelet.proj.weight").And.NotContain(n => n.Contains("norm"));
    }

    [Fact]
    public void Space_time_embeddings_and_time_embed_are_undecayed_but_temporal_layers_are_not()
    {
        using var vivit = new ViViT(new ViViTConfig
        {
            Variant = ViViTVariant.FactorisedSelfAttention, Pooling = Pooling.Mean, Frames = 4, ImageHeight = 32, ImageWidth = 32, TubeletT = 2,
            TubeletH = 16, TubeletW = 16, Dim = 32, Heads = 2, MlpDim = 64, Layers = 1, Classes = 3,
        });
        using var timesformer = new TimeSformer(new TimeSformerConfig
        {
            Attention = TimeSformerAttention.DividedSpaceTime, Frames = 4, ImageHeight = 32, ImageWidth = 32, Channels = 1, PatchSize = 16,
            Dim = 32, Heads = 2, MlpDim = 64, Layers = 1, Classes = 3,
        });

        ParameterGroups.Split(vivit).NoDecay.Select(p => p.Name).Should().Contain(["pos_embed.space", "pos_embed.time"]);
        var ts = ParameterGroups.Split(timesformer);
        ts.NoDecay.Select(p => p.Name).Should().Contain(["time_embed.weight", "blocks.0.temporal_norm1.weight"]);
        ts.Decay.Select(p => p.Name).Should().Contain(["blocks.0.temporal_fc.weight", "blocks.0.temporal_attn.qkv.weight"]);
    }

    [Theory]
    [InlineData("encoder.blocks.3.attn.qkv.weight", false)]
    [InlineData("encoder.blocks.3.attn.qkv.bias", true)]
    [InlineData("emb_norm.weight", true)]
    [InlineData("blocks.0.norm_s.weight", true)]
    [InlineData("temporal_pos_embed.weight", true)]
    [InlineData("blocks.0.temporal_fc.weight", false)]
    [InlineData("timestamp_proj.weight", false)]
    [InlineData("normalizer.weight", false)]
    public void Names_are_matched_by_whole_segments_and_words(string name, bool noDecay) =>
        ParameterGroups.IsNoDecay(name, [8, 8]).Should().Be(noDecay);

    [Fact]
    public void One_dimensional_parameters_are_never_decayed_whatever_their_name() =>
        ParameterGroups.IsNoDecay("scale", [8]).Should().BeTrue();

    [Fact]
    public void Frozen_parameters_are_left_out()
    {
        using var model = TinyTask.Model();
        foreach (var (name, p) in model.named_parameters())
            if (name.StartsWith("encoder.blocks.0.", StringComparison.Ordinal)) p.requires_grad = false;

        var split = ParameterGroups.Split(model);

        split.Decay.Concat(split.NoDecay).Should().NotContain(p => p.Name.StartsWith("encoder.blocks.0.", StringComparison.Ordinal));
        using var optimizer = OptimizerFactory.Create(new TrainingConfig(), model);
        optimizer.Groups().Sum(g => g.Parameters.Count()).Should().Be(split.Decay.Count + split.NoDecay.Count);
    }
}
