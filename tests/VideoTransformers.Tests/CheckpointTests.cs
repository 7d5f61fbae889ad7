using FluentAssertions;
using VideoTransformers.Torch;
using VideoTransformers.Zoo;
using Xunit;
using Xunit.Abstractions;
using static VideoTransformers.Torch.torch;

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
            save(a.state_dict(), path);
            using var scope = NewDisposeScope();
            var loaded = load(path);
            loaded.Keys.Should().BeEquivalentTo(a.state_dict().Keys);
            b.load_state_dict(loaded);
            var x = randn(new[] { 2L }.Concat(a.SampleShape).ToArray());
            using var _ = no_grad();
            a.forward(x).equal(b.forward(x)).Should().BeTrue();
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
            back.ToJson().Should().Be(spec.ToJson(), preset);
        }
    }

    [Fact]
    public void Loading_a_checkpoint_of_another_architecture_names_every_problem()
    {
        using var a = SmallModels.Create("FrameViT");
        using var b = SmallModels.Create("ViViT-Joint");
        var act = () => b.load_state_dict(a.state_dict());
        var e = act.Should().Throw<StateDictException>().Which;
        e.MissingKeys.Should().Contain("tubelet.proj.weight");
        e.UnexpectedKeys.Should().Contain("patch_embed.proj.weight");
        e.Message.Should().Contain("\"tubelet.proj.weight\"");
    }

    [Fact]
    public void Presets_report_parameters_and_flops()
    {
        foreach (var (preset, make) in ModelZoo.Presets)
        {
            using var model = make().Build();
            var p = model.parameter_count();
            var f = model.FlopsPerClip;
            p.Should().BePositive();
            f.Should().BePositive();
            output.WriteLine($"| {preset} | {p:N0} | {f / 1e9:F3} |");
        }
    }
}
