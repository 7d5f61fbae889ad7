using VideoTransformers.Torch.Serialization;
using FluentAssertions;
using VideoTransformers.TestSupport;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Torch.Tests;

/// <summary>Module.load_state_dict: strictness, error messages that name every offending key, and atomicity.</summary>
public class StateDictTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vt-sd-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private static Sequential Net() => nn.Sequential(nn.Linear(4, 3), nn.LayerNorm(3), nn.Linear(3, 2));

    /// <summary>A state dict of fresh, different values for every key of <paramref name="net"/>.</summary>
    private static Dictionary<string, Tensor> Source(nn.Module net, int seed)
    {
        var d = new TestData(seed);
        return net.state_dict().ToDictionary(kv => kv.Key, kv => d.Randn(kv.Value.shape));
    }

    private static Dictionary<string, Tensor> Snapshot(nn.Module net) =>
        net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    private static void AssertUnchanged(nn.Module net, Dictionary<string, Tensor> before)
    {
        foreach (var (k, v) in net.state_dict()) TensorAssert.Equal(v.detach(), before[k], $"{k} after a failed load");
    }

    [Fact]
    public void State_dict_keys_follow_pytorchs_dotted_names()
    {
        using var net = Net();
        net.state_dict().Keys.Should().Equal("0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias");
    }

    [Fact]
    public void Strict_load_with_a_missing_key_fails_names_the_key_and_changes_nothing()
    {
        using var scope = NewDisposeScope();
        using var net = Net();
        var before = Snapshot(net);
        var source = Source(net, 60);
        source.Remove("1.bias");
        var e = ((Action)(() => net.load_state_dict_checked(source))).Should().Throw<StateDictException>().Which;
        e.MissingKeys.Should().Equal("1.bias");
        e.UnexpectedKeys.Should().BeEmpty();
        e.Message.Should().Contain("Missing key(s) in state_dict: \"1.bias\"");
        AssertUnchanged(net, before);
    }

    [Fact]
    public void Strict_load_with_unexpected_keys_fails_and_names_them()
    {
        using var scope = NewDisposeScope();
        using var net = Net();
        var before = Snapshot(net);
        var source = Source(net, 61);
        source["3.weight"] = ones(2, 2);
        source["head.bias"] = ones(2);
        var e = ((Action)(() => net.load_state_dict_checked(source))).Should().Throw<StateDictException>().Which;
        e.UnexpectedKeys.Should().BeEquivalentTo(["3.weight", "head.bias"]);
        e.MissingKeys.Should().BeEmpty();
        e.Message.Should().Contain("Unexpected key(s) in state_dict: ").And.Contain("\"3.weight\"").And.Contain("\"head.bias\"");
        AssertUnchanged(net, before);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_shape_mismatch_fails_even_when_not_strict_and_names_key_and_both_shapes(bool strict)
    {
        using var scope = NewDisposeScope();
        using var net = Net();
        var before = Snapshot(net);
        var source = Source(net, 62);
        source["0.weight"] = ones(3, 5);
        var e = ((Action)(() => net.load_state_dict_checked(source, strict))).Should().Throw<StateDictException>().Which;
        e.ShapeMismatches.Should().ContainSingle().Which.Should().Contain("0.weight").And.Contain("[3, 5]").And.Contain("[3, 4]");
        e.Message.Should().Contain("Size mismatch: 0.weight");
        AssertUnchanged(net, before);
    }

    [Fact]
    public void All_problems_are_reported_together()
    {
        using var scope = NewDisposeScope();
        using var net = Net();
        var source = Source(net, 63);
        source.Remove("2.weight");
        source["extra"] = ones(1);
        source["1.weight"] = ones(4);
        var e = ((Action)(() => net.load_state_dict_checked(source))).Should().Throw<StateDictException>().Which;
        e.MissingKeys.Should().Equal("2.weight");
        e.UnexpectedKeys.Should().Equal("extra");
        e.ShapeMismatches.Should().ContainSingle().Which.Should().StartWith("1.weight");
    }

    [Fact]
    public void Non_strict_load_reports_missing_and_unexpected_keys_and_loads_the_rest()
    {
        using var scope = NewDisposeScope();
        using var net = Net();
        var before = Snapshot(net);
        var source = Source(net, 64);
        source.Remove("0.bias");
        source["unused"] = ones(1);
        var (missing, unexpected) = net.load_state_dict_checked(source, strict: false);
        missing.Should().Equal("0.bias");
        unexpected.Should().Equal("unused");
        var now = net.state_dict();
        TensorAssert.Equal(now["0.bias"].detach(), before["0.bias"], "the missing key keeps its value");
        foreach (var k in source.Keys.Where(now.ContainsKey)) TensorAssert.Equal(now[k].detach(), source[k], k);
    }

    [Fact]
    public void A_saved_and_loaded_state_dict_reproduces_the_model_exactly()
    {
        using var scope = NewDisposeScope();
        using var a = Net();
        using var b = Net();
        var x = new TestData(65).Randn([5, 4]);
        a.forward(x).Equals(b.forward(x)).Should().BeFalse("two freshly initialised nets differ");
        var path = Path.Combine(_dir, "net.safetensors");
        SafeTensors.save(a.state_dict(), path);
        b.load_state_dict_checked(SafeTensors.load(path));
        TensorAssert.Equal(b.forward(x), a.forward(x), "outputs after loading the checkpoint");
        b.parameters().Should().OnlyContain(p => p.requires_grad && p.is_leaf, "loading keeps parameters trainable leaves");
    }
}
