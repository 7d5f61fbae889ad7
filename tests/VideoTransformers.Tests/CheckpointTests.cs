using VideoTransformers.TestSupport;
using VideoTransformers.Torch.Serialization;
using FluentAssertions;
using VideoTransformers.Torch;
using VideoTransformers.Zoo;
using Xunit;
using Xunit.Abstractions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

public class CheckpointTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(SmallModels.Names), MemberType = typeof(SmallModels))]
    public void State_dict_round_trips_through_safetensors(string name)
    {
        manual_seed(31);
        using var a = SmallModels.Create(name);
        manual_seed(32);
        using var b = SmallModels.Create(name);
        a.eval();
        b.eval();
        var path = Path.Combine(Path.GetTempPath(), $"vt-ckpt-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.save(a.state_dict(), path);
            using var scope = NewDisposeScope();
            var loaded = SafeTensors.load(path);
            loaded.Keys.Should().BeEquivalentTo(a.state_dict().Keys);
            b.load_state_dict_checked(loaded);
            var x = randn(new[] { 2L }.Concat(a.SampleShape).ToArray());
            using var _ = no_grad();
            TensorAssert.Same(b.forward(x), a.forward(x), "logits after the round trip");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Model_spec_round_trips_through_json()
    {
        foreach (var (preset, make) in ModelZoo.Presets)
        {
            var spec = make();
            var back = ModelSpec.FromJson(spec.ToJson());
            // Against the spec object itself (record equality through every nested config), not against its own
            // JSON: a property that the JSON drops or misreads would round-trip to the same wrong text.
            back.Should().Be(spec, preset);
            back.Should().NotBeSameAs(spec);
        }
    }

    [Fact]
    public void Loading_a_checkpoint_of_another_architecture_names_every_problem()
    {
        using var a = SmallModels.Create("FrameViT");
        using var b = SmallModels.Create("ViViT-Joint");
        var act = () => b.load_state_dict_checked(a.state_dict());
        var e = act.Should().Throw<StateDictException>().Which;
        e.MissingKeys.Should().Contain("tubelet.proj.weight");
        e.UnexpectedKeys.Should().Contain("patch_embed.proj.weight");
        e.Message.Should().Contain("\"tubelet.proj.weight\"");
    }

    /// <summary>
    /// Parameter and FLOP counts of every preset, pinned: these are the figures that docs/performance.md and
    /// <c>vt models</c> publish. Each is also cross-checked against independent counts (see below), so a pinned value
    /// cannot simply be updated to whatever the code now says.
    /// </summary>
    public static TheoryData<string, long, long> PinnedCounts => new()
    {
        { "frame-vit-kth", 2_724_422, 931_478_784 },
        { "frame-vit-kth-patch8", 811_270, 1_119_376_896 },
        { "frame-vit-kth-patch32", 2_871_110, 282_303_744 },
        { "frame-vit-kth-patch64", 3_466_502, 122_083_584 },
        { "vivit-organmnist3d", 1_656_971, 91_462_400 },
        { "vivit-small-fe", 865_414, 168_921_600 },
        { "vivit-small-swin", 552_950, 620_758_528 },
        { "timesformer-ucf101", 6_600_293, 20_678_317_056 },
        { "timesformer-base-k400", 121_566_352, 391_660_560_384 },
        { "actionbert-ucf101", 3_325_541, 220_518_912 },
        { "cnn-lstm-kth", 375_142, 784_141_312 },
    };

    [Fact]
    public void Every_preset_has_pinned_counts()
    {
        PinnedCounts.Select(row => (string)row[0]).Should().BeEquivalentTo(ModelZoo.Presets.Keys);
    }

    [Theory]
    [MemberData(nameof(PinnedCounts))]
    public void Presets_have_their_pinned_parameter_and_flop_counts(string preset, long parameters, long flops)
    {
        using var model = ModelZoo.Presets[preset]().Build();
        var counted = model.parameter_count();
        output.WriteLine($"| {preset} | {counted} | {model.FlopsPerClip} |");
        // parameter_count must be the sum of the registered parameters' sizes, not a formula of its own.
        counted.Should().Be(model.named_parameters().Sum(p => p.parameter.numel()));
        counted.Should().Be(parameters);
        model.FlopsPerClip.Should().Be(flops);
    }
}
