using System.Text.Json;
using FluentAssertions;
using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.Zoo;
using Xunit;

namespace VideoTransformers.Tests;

/// <summary>
/// The transformer configurations share <see cref="TransformerOptions"/>: their model specs stay one flat JSON object
/// (what vt, bench_preset.py and ref_models.py read), specs written before it load, and the options reach the blocks.
/// </summary>
public class TransformerOptionsTests
{
    // As main wrote them before TransformerOptions: no QkvBias for ViViT, FrameViT's dimension as TokenDim.
    private const string OldViViT = """
        {"Model": "vivit", "ViViT": {"Variant": "FactorisedEncoder", "Frames": 8, "ImageHeight": 32, "ImageWidth": 32, "Channels": 1,
         "TubeletT": 2, "TubeletH": 16, "TubeletW": 16, "WindowT": 2, "WindowH": 7, "WindowW": 7, "Remainder": "Truncate",
         "Dim": 48, "Heads": 3, "MlpDim": 96, "Layers": 2, "TemporalLayers": 1, "Classes": 5, "Pooling": "Cls",
         "LayerNormEps": 1e-06, "Gelu": "tanh", "Dropout": 0.25, "AttnDropout": 0.125, "DropPath": 0.5}}
        """;

    private const string OldFrameViT = """
        {"Model": "frame-vit", "FrameViT": {"ImageHeight": 32, "ImageWidth": 32, "Channels": 1, "Frames": 4, "PatchSize": 16,
         "TokenDim": 40, "AttnDim": 24, "Heads": 2, "MlpDim": 80, "Layers": 2, "Classes": 3, "Dropout": 0.25, "AttnDropout": 0, "DropPath": 0.5}}
        """;

    [Fact]
    public void A_spec_written_before_the_shared_options_loads_with_its_values()
    {
        var vivit = ModelSpec.FromJson(OldViViT).ViViT!;
        vivit.ToTransformerOptions().Should().Be(new TransformerOptions
        {
            Dim = 48, Heads = 3, MlpDim = 96, LayerNormEps = 1e-6, Gelu = "tanh", Dropout = 0.25, AttnDropout = 0.125, DropPath = 0.5,
        }, "what the old JSON leaves out (QkvBias, AttnDim) keeps the defaults the old model had");
        vivit.TemporalLayers.Should().Be(1);

        var frameVit = ModelSpec.FromJson(OldFrameViT).FrameViT!;
        frameVit.TokenDim.Should().Be(40);
        frameVit.ToTransformerOptions().Should().Be(new TransformerOptions { Dim = 40, AttnDim = 24, Heads = 2, MlpDim = 80, Dropout = 0.25, DropPath = 0.5 });
    }

    public static TheoryData<string> TransformerPresets() =>
        new(ModelZoo.Presets.Keys.Where(k => !k.StartsWith("cnn-lstm", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(TransformerPresets))]
    public void A_transformer_spec_is_one_flat_object_that_reads_back_equal(string preset)
    {
        var spec = ModelZoo.Preset(preset);
        var json = spec.ToJson();
        using var doc = JsonDocument.Parse(json);
        var config = doc.RootElement.EnumerateObject().Single(p => p.Value.ValueKind == JsonValueKind.Object).Value;
        var keys = config.EnumerateObject().Select(p => p.Name).ToList();
        keys.Should().Contain(["Heads", "MlpDim", "QkvBias", "Dropout", "AttnDropout", "DropPath", "LayerNormEps", "Gelu"]);
        keys.Should().OnlyHaveUniqueItems();
        keys.Should().Contain(spec.Model == "frame-vit" ? "TokenDim" : "Dim").And.NotContain(spec.Model == "frame-vit" ? "Dim" : "TokenDim");
        config.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).Select(p => p.Name)
            .Should().BeSubsetOf(["FrameEncoder"], "only ActionBERT's frame encoder nests");
        ModelSpec.FromJson(json).Should().Be(spec);
    }

    [Fact]
    public void Qkv_bias_off_reaches_every_vivit_variant()
    {
        foreach (var variant in ViViTVariant.All)
        {
            var config = ViViTConfig.SmallShiftedWindow with
            {
                Variant = variant, Frames = 4, ImageHeight = 32, ImageWidth = 32, TubeletH = 8, TubeletW = 8, WindowT = 2, WindowH = 2, WindowW = 2,
                Dim = 16, Heads = 2, MlpDim = 32, Layers = 2, TemporalLayers = 1, QkvBias = false,
                Pooling = variant.HasClsToken ? Pooling.Cls : Pooling.Mean,
            };
            var spec = ModelSpec.FromJson(new ModelSpec { Model = "vivit", ViViT = config }.ToJson());
            spec.ViViT!.QkvBias.Should().BeFalse();
            using var noBias = spec.Build();
            using var withBias = new ModelSpec { Model = "vivit", ViViT = config with { QkvBias = true } }.Build();
            var names = withBias.named_parameters().Select(p => p.name).Except(noBias.named_parameters().Select(p => p.name)).ToList();
            names.Should().NotBeEmpty().And.OnlyContain(n => n.EndsWith("qkv.bias", StringComparison.Ordinal), variant.Name);
        }
    }

    [Theory]
    [InlineData("vivit-small-fe")]
    [InlineData("vivit-small-swin")]
    [InlineData("timesformer-ucf101")]
    [InlineData("actionbert-ucf101")]
    public void Only_frame_vit_takes_an_attention_dimension_other_than_the_token_dimension(string preset)
    {
        var spec = ModelZoo.Preset(preset);
        var json = spec.ToJson().Replace("\"Heads\"", "\"AttnDim\": 8, \"Heads\"", StringComparison.Ordinal);
        var build = () => ModelSpec.FromJson(json).Build();
        build.Should().Throw<ArgumentException>().WithMessage("* sizes attention like its tokens: AttnDim must be unset or *, got 8.");
    }
}
