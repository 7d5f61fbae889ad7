using FluentAssertions;
using VideoTransformers.Torch;
using VideoTransformers.Training.Optimization;
using VideoTransformers.Training.Tests.Support;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Tests.Optimization;

[Collection(GlobalTorchState.Name)]
public class ExponentialMovingAverageTests
{
    [Fact]
    public void Follows_the_warmed_up_recurrence_computed_by_hand()
    {
        using var layer = nn.Linear(2, 1);
        using var ema = new ExponentialMovingAverage(layer, 0.5);
        var w0 = layer.weight.data<float>().Select(v => (double)v).ToArray();
        ema.DecayAt(1).Should().BeApproximately(2.0 / 11, 1e-15);
        ema.DecayAt(1000).Should().Be(0.5);

        // Three "steps" that set the weight to 1, 2 and 3; the average must be d·ema + (1 - d)·w with d = min(0.5, (1+t)/(10+t)).
        var expected = w0.ToArray();
        for (var t = 1; t <= 3; t++)
        {
            using (no_grad()) layer.weight.fill_(t);
            ema.Update(layer, t);
            var d = Math.Min(0.5, (1.0 + t) / (10.0 + t));
            for (var i = 0; i < expected.Length; i++) expected[i] = d * expected[i] + (1 - d) * t;
        }
        ema.Tensors["weight"].data<float>().Select(v => (double)v).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-6);
        layer.weight.data<float>().Should().AllSatisfy(v => v.Should().Be(3f), "updating the average never touches the model");
    }

    [Fact]
    public void Swapping_twice_restores_the_model_and_the_average_exactly()
    {
        manual_seed(5);
        using var model = TinyTask.Model();
        using var ema = new ExponentialMovingAverage(model, 0.9);
        using (no_grad())
            foreach (var p in model.parameters()) p.add_(1.0);
        using var reference = TinyTask.CopyOf(model);

        ema.Swap(model);
        TinyTask.SameWeights(model, reference).Should().BeFalse("the model now holds the average, which still equals the initial weights");
        TinyTask.MaxAbsDiff(model, reference).Should().BeApproximately(1.0, 1e-6);
        ema.Swap(model);
        TinyTask.SameWeights(model, reference).Should().BeTrue();
    }

    [Fact]
    public void Bad_decay_and_mismatched_weights_are_rejected_with_names()
    {
        using var layer = nn.Linear(2, 3);
        ((Action)(() => new ExponentialMovingAverage(layer, 1.0))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*(0, 1)*");
        ((Action)(() => new ExponentialMovingAverage(layer, 0))).Should().Throw<ArgumentOutOfRangeException>();
        using var ema = new ExponentialMovingAverage(layer, 0.99);
        using var wrong = zeros(3, 3);
        using var bias = zeros(3);
        ema.Invoking(e => e.Load(new Dictionary<string, Tensor> { ["weight"] = wrong, ["bias"] = bias }))
            .Should().Throw<InvalidDataException>().WithMessage("*'weight'*[3, 3]*[3, 2]*");
        ema.Invoking(e => e.Load(new Dictionary<string, Tensor> { ["bias"] = bias }))
            .Should().Throw<InvalidDataException>().WithMessage("*lack 'weight'*");
    }
}
