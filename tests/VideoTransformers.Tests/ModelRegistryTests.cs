using System.Text.Json;
using FluentAssertions;
using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.Zoo;
using Xunit;

namespace VideoTransformers.Tests;

/// <summary>The registry of families and variants: unique names, specs that round-trip, and families that apply exactly the settings they claim.</summary>
public class ModelRegistryTests
{
    public static IEnumerable<object[]> Families() => ModelRegistry.Families.Select(f => new object[] { f.Name });

    public static IEnumerable<object[]> Variants() => ModelRegistry.Variants.Select(v => new object[] { v.Family, v.Name });

    [Fact]
    public void Names_and_ids_are_unique_and_every_variant_belongs_to_a_family_that_lists_it()
    {
        ModelRegistry.FamilyNames.Should().OnlyHaveUniqueItems();
        foreach (var family in ModelRegistry.Families)
        {
            var variants = family.Variants;
            variants.SelectMany(v => v.Names.Append(v.Id)).Should().OnlyHaveUniqueItems($"{family} variant names, aliases and ids select one variant");
            if (variants.Count == 0)
            {
                family.DefaultVariant.Should().BeNull();
                family.VariantNoun.Should().BeNull();
                continue;
            }
            variants.Should().Contain(family.DefaultVariant!);
            family.VariantNoun.Should().NotBeNullOrEmpty();
            foreach (var v in variants)
            {
                v.Description.Should().NotBeNullOrWhiteSpace();
                family.Variant(v.Name).Should().BeSameAs(v);
                foreach (var alias in v.Aliases) family.Variant(alias).Should().BeSameAs(v);
            }
        }
        ModelRegistry.Variants.Select(v => v.Family).Should().OnlyContain(f => ModelRegistry.FamilyNames.Contains(f));
        ModelRegistry.Variants.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Unknown_and_foreign_variants_are_refused_with_the_choices()
    {
        var vivit = ModelRegistry.Family("vivit");
        var unknown = () => vivit.Variant("diagonal");
        unknown.Should().Throw<ArgumentException>().WithMessage("Unknown ViViT variant 'diagonal'; expected joint, factorised-encoder, *");
        var foreign = () => vivit.ForData(DataShape.Video(8, 1, 32, 32, 3), ModelRegistry.Family("timesformer").Variant("divided"));
        foreign.Should().Throw<ArgumentException>().WithMessage("'divided' is a timesformer variant, not a vivit one.");
        var none = () => ModelRegistry.Family("frame-vit").Variant("joint");
        none.Should().Throw<ArgumentException>().WithMessage("frame-vit has no attention variants*");
        var family = () => ModelRegistry.Family("resnet");
        family.Should().Throw<ArgumentException>().WithMessage("Unknown model 'resnet'; expected one of frame-vit, vivit, *");
        var raw = () => ModelZoo.ForData("bilstm", null, 8, 1, 32, 32, 3);
        raw.Should().Throw<ArgumentException>().WithMessage("bilstm runs over per-frame features*");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void A_spec_stores_the_variant_id_and_reads_it_back_as_the_same_variant(string familyName, string variantName)
    {
        var family = ModelRegistry.Family(familyName);
        var variant = family.Variant(variantName);
        var spec = family.ForData(DataShape.Video(8, 1, 32, 32, 3), variant);
        family.VariantOf(spec).Should().BeSameAs(variant);
        var json = spec.ToJson();
        json.Should().Contain($"\"{variant.Id}\"");
        var back = ModelSpec.FromJson(json);
        family.VariantOf(back).Should().BeSameAs(variant);
        back.Should().BeEquivalentTo(spec, o => o.RespectingRuntimeTypes());
        // The pre-registry enum wrote the same strings: a spec with the id alone loads.
        using var doc = JsonDocument.Parse(json);
        doc.RootElement.EnumerateObject().Single(p => p.Value.ValueKind == JsonValueKind.Object).Value
            .EnumerateObject().Should().Contain(p => p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == variant.Id);
    }

    [Fact]
    public void A_spec_with_an_unknown_variant_id_names_the_known_ones()
    {
        var json = new ModelSpec { Model = "vivit", ViViT = new ViViTConfig() }.ToJson().Replace("\"Joint\"", "\"Diagonal\"", StringComparison.Ordinal);
        var act = () => ModelSpec.FromJson(json);
        act.Should().Throw<JsonException>().WithMessage("*Unknown ViViTVariant 'Diagonal'; expected one of Joint, FactorisedEncoder*");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void A_family_applies_exactly_the_settings_it_declares(string name)
    {
        var family = ModelRegistry.Family(name);
        var data = family.Input == ModelInput.Video ? DataShape.Video(8, 1, 32, 32, 3) : DataShape.Features(8, 16, 3);
        var spec = family.ForData(data);
        var baseline = spec.ToJson();
        foreach (var setting in Enum.GetValues<ModelSetting>())
        {
            var changed = family.Apply(spec, Override(setting)).ToJson() != baseline;
            changed.Should().Be(family.Accepts(setting), $"{name} {(family.Accepts(setting) ? "declares" : "does not declare")} {setting}");
        }
        family.Apply(spec, new ModelOverrides()).ToJson().Should().Be(baseline, "no overrides change nothing");
    }

    /// <summary>A value for <paramref name="setting"/> that differs from every family's default.</summary>
    private static ModelOverrides Override(ModelSetting setting) => setting switch
    {
        ModelSetting.PatchSize => new() { PatchSize = 8 },
        ModelSetting.TubeletSize => new() { TubeletSize = [1, 4, 4] },
        ModelSetting.Dim => new() { Dim = 48 },
        ModelSetting.AttnDim => new() { AttnDim = 40 },
        ModelSetting.Heads => new() { Heads = 3 },
        ModelSetting.MlpDim => new() { MlpDim = 72 },
        ModelSetting.Layers => new() { Layers = 3 },
        ModelSetting.TemporalLayers => new() { TemporalLayers = 3 },
        ModelSetting.Pooling => new() { Pooling = Pooling.Mean },
        ModelSetting.LayerNormEps => new() { LayerNormEps = 1e-3 },
        ModelSetting.Dropout => new() { Dropout = 0.25 },
        ModelSetting.AttnDropout => new() { AttnDropout = 0.25 },
        ModelSetting.DropPath => new() { DropPath = 0.25 },
        ModelSetting.HeadHidden => new() { HeadHidden = 17 },
        ModelSetting.FeatureDim => new() { FeatureDim = 33 },
        ModelSetting.HiddenSize => new() { HiddenSize = 19 },
        ModelSetting.LstmLayers => new() { LstmLayers = 3 },
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "a setting without a test value"),
    };

    [Fact]
    public void ForData_keeps_the_old_defaults_variants_and_pooling()
    {
        var fe = ModelZoo.ForData("vivit", null, 8, 1, 32, 32, 3).ViViT!;
        (fe.Variant, fe.Pooling).Should().Be((ViViTVariant.FactorisedEncoder, Pooling.Cls));
        var fsa = ModelZoo.ForData("vivit", "factorized-self-attention", 8, 1, 32, 32, 3).ViViT!;
        (fsa.Variant, fsa.Pooling).Should().Be((ViViTVariant.FactorisedSelfAttention, Pooling.Mean));
        var keras = ModelZoo.ForData("vivit", "joint", 28, 1, 28, 28, 11, "vivit-organmnist3d").ViViT!;
        (keras.Variant, keras.Pooling, keras.TubeletT).Should().Be((ViViTVariant.Joint, Pooling.Mean, 8L));
        ModelZoo.ForData("timesformer", "space_only", 8, 1, 32, 32, 3).TimeSformer!.Attention.Should().BeSameAs(TimeSformerAttention.SpaceOnly);
        ModelZoo.ForData("timesformer", null, 8, 1, 32, 32, 3).TimeSformer!.Attention.Should().BeSameAs(TimeSformerAttention.DividedSpaceTime);
        var other = () => ModelZoo.ForData("timesformer", null, 8, 1, 32, 32, 3, "vivit-small-fe");
        other.Should().Throw<ArgumentException>().WithMessage("Preset 'vivit-small-fe' is a vivit preset, not timesformer.");
    }
}
