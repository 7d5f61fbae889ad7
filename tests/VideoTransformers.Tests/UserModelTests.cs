using FluentAssertions;
using TorchSharp;
using TorchSharp.Modules;
using VideoTransformers.Blocks;
using Xunit;
using static TorchSharp.torch;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;

namespace VideoTransformers.Tests;

/// <summary>
/// A user's own TorchSharp module built from our blocks and a TorchSharp layer, as the README shows: clips
/// [B, T, 1, 16, 16] → tubelets → encoder → mean over tokens → linear classifier.
/// </summary>
public sealed class MyClassifier : nn.Module<Tensor, Tensor>
{
    private readonly TubeletEmbedding embed;
    private readonly TransformerEncoder body;
    private readonly Linear classifier;

    public MyClassifier(long classes) : base(nameof(MyClassifier))
    {
        embed = new TubeletEmbedding(1, 32, 2, 8, 8);
        body = new TransformerEncoder(new TransformerOptions { Dim = 32, Heads = 2, MlpDim = 64 }, depth: 2);
        classifier = nn.Linear(32, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor video)
    {
        using var scope = NewDisposeScope();
        var tokens = embed.call(video).flatten(1, 2);      // [B, nt·ns, D]
        var pooled = body.call(tokens).mean([1]);           // [B, D]
        return scope.MoveToOuter(classifier.call(pooled));
    }
}

/// <summary>Our blocks inside a user's TorchSharp module: parameter names, training with TorchSharp's optimizer, dtype conversion.</summary>
public class UserModelTests
{
    /// <summary>The documented names (docs/parameter-names.md) of a tubelet embedding and a two-block encoder, under the user's fields.</summary>
    private static IEnumerable<string> ExpectedKeys()
    {
        yield return "embed.proj.weight";
        yield return "embed.proj.bias";
        for (var i = 0; i < 2; i++)
        {
            foreach (var p in new[] { "norm1", "attn.qkv", "attn.proj", "norm2", "mlp.fc1", "mlp.fc2" })
            {
                yield return $"body.blocks.{i}.{p}.weight";
                yield return $"body.blocks.{i}.{p}.bias";
            }
        }
        yield return "body.norm.weight";
        yield return "body.norm.bias";
        yield return "classifier.weight";
        yield return "classifier.bias";
    }

    [Fact]
    public void The_state_dict_names_our_parameters_under_the_users_fields()
    {
        using var model = new MyClassifier(4);
        var state = model.state_dict();
        state.Keys.Should().BeEquivalentTo(ExpectedKeys(), "the user's field names prefix our documented names, and nothing else is registered");
        state["embed.proj.weight"].shape.Should().Equal(32, 1, 2, 8, 8);
        state["body.blocks.1.attn.qkv.weight"].shape.Should().Equal(96, 32);
        state["classifier.weight"].shape.Should().Equal(4, 32);
        model.parameters().Should().HaveCount(ExpectedKeys().Count(), "every state entry is a trainable parameter (no buffers)");
    }

    [Fact]
    public void It_trains_with_torchsharp_adamw_and_runs_in_float64()
    {
        manual_seed(5);
        using var model = new MyClassifier(4);
        using var data = NewDisposeScope();
        var x = randn(new long[] { 8, 4, 1, 16, 16 });
        var y = tensor(new long[] { 0, 1, 2, 3, 0, 1, 2, 3 }, new long[] { 8 });
        // TorchSharp's AdamW defaults to weight_decay 0 (PyTorch: 0.01): pass it explicitly.
        using var opt = optim.AdamW(model.parameters(), lr: 3e-3, weight_decay: 0.01);
        model.train();
        var losses = new List<double>();
        for (var step = 0; step < 30; step++)
        {
            using var scope = NewDisposeScope();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            losses.Add(loss.ToDouble());
            opt.zero_grad();
            loss.backward();
            opt.step();
        }
        losses.Should().OnlyContain(l => double.IsFinite(l));
        losses[^1].Should().BeLessThan(0.5 * losses[0], $"30 AdamW steps on one batch of 8 clips must cut the loss at least in half: {string.Join(", ", losses.Select(l => l.ToString("F3")))}");

        model.eval();
        Tensor logits32;
        using (no_grad()) logits32 = model.call(x);

        model.to(ScalarType.Float64);
        model.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float64);
        Tensor logits64;
        using (no_grad()) logits64 = model.call(x.to(ScalarType.Float64));
        logits64.dtype.Should().Be(ScalarType.Float64);
        logits64.shape.Should().Equal(8, 4);
        // The same weights in double precision: the logits agree with the float32 ones to float32 rounding.
        logits64.to(ScalarType.Float32).allclose(logits32, rtol: 1e-4, atol: 1e-4).Should().BeTrue(
            $"max difference {(logits64 - logits32.to(ScalarType.Float64)).abs().max().ToDouble()}");
    }
}
