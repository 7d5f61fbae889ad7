using FluentAssertions;
using VideoTransformers.Interpretability;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

/// <summary>Every model that says it has an attention map gives one value per token of its clip, each a mean of attention weights.</summary>
public class AttentionMapTests
{
    [Theory]
    [MemberData(nameof(SmallModels.Names), MemberType = typeof(SmallModels))]
    public void Every_model_with_a_map_gives_one_weight_per_token(string name)
    {
        manual_seed(36);
        using var model = SmallModels.Create(name);
        var readout = model.AttentionReadoutFor([1, .. model.SampleShape]);
        AttentionMaps.Supports(model).Should().Be(readout is not null);
        if (readout is null)
        {
            name.Should().BeOneOf(["ViViT-FactorisedDotProduct", "ActionBert", "ActionBert-e2e", "BiLstm", "CnnLstm"], "only these have no map");
            return;
        }
        using var scope = NewDisposeScope();
        var map = AttentionMaps.Compute(model, randn([1, .. model.SampleShape]));
        map.Values.Should().HaveCount((int)(readout.Frames * readout.Height * readout.Width));
        map.Values.Should().OnlyContain(v => float.IsFinite(v) && v >= 0 && v <= 1);
        map.Source.Should().StartWith(readout.Layer);
        model.training.Should().BeTrue("the model goes back to the mode it was in");
    }
}
