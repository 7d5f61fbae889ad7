using FluentAssertions;
using VideoTransformers.TestSupport;
using Xunit;
using Xunit.Sdk;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VideoTransformers.Torch.Tests;

/// <summary>Autograd against central finite differences in float64 (<see cref="GradCheck"/>).</summary>
public class GradCheckTests
{
    private static Tensor Leaf(TestData d, long[] shape, double scale = 1, double shift = 0) =>
        d.Randn(shape, ScalarType.Float64, scale, shift).requires_grad_();

    [Fact]
    public void Layer_norm_gradients_match_finite_differences()
    {
        using var scope = NewDisposeScope();
        var d = new TestData(40);
        GradCheck.Check(x => F.layer_norm(x[0], [3, 4], x[1], x[2], 1e-5),
            [Leaf(d, [2, 3, 4], 2, 0.5), Leaf(d, [3, 4]), Leaf(d, [3, 4])], name: "layer_norm");
    }

    [Fact]
    public void Softmax_and_log_softmax_gradients_match_finite_differences()
    {
        using var scope = NewDisposeScope();
        var d = new TestData(41);
        GradCheck.Check(x => F.softmax(x[0], 1), [Leaf(d, [3, 5, 2], 2)], name: "softmax");
        GradCheck.Check(x => F.log_softmax(x[0], -1), [Leaf(d, [4, 6], 2)], name: "log_softmax");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("tanh")]
    public void Gelu_gradients_match_finite_differences(string approximate)
    {
        using var scope = NewDisposeScope();
        var d = new TestData(42);
        GradCheck.Check(x => F.gelu(x[0], approximate == "tanh" ? GELU.Approximate.tanh : GELU.Approximate.none), [Leaf(d, [5, 7], 2)], name: "gelu " + approximate);
    }

    [Fact]
    public void Conv3d_gradients_match_finite_differences()
    {
        using var scope = NewDisposeScope();
        var d = new TestData(43);
        GradCheck.Check(x => F.conv3d(x[0], x[1], x[2], strides: [1, 2, 1], padding: [1, 0, 1]),
            [Leaf(d, [1, 2, 3, 4, 3]), Leaf(d, [3, 2, 2, 2, 2]), Leaf(d, [3])], name: "conv3d");
    }

    [Fact]
    public void Linear_gradients_match_finite_differences()
    {
        using var scope = NewDisposeScope();
        var d = new TestData(44);
        GradCheck.Check(x => F.linear(x[0], x[1], x[2]), [Leaf(d, [2, 3, 4]), Leaf(d, [5, 4]), Leaf(d, [5])], name: "linear");
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.15, false)]
    [InlineData(0.0, true)]
    [InlineData(0.2, true)]
    public void Cross_entropy_gradients_match_finite_differences(double labelSmoothing, bool weighted)
    {
        using var scope = NewDisposeScope();
        var d = new TestData(45);
        var target = tensor(new long[] { 0, 3, 1, -100, 2, 3 });
        var weight = weighted ? d.Uniform([4], 0.3, 2.0, ScalarType.Float64) : null;
        GradCheck.Check(x => F.cross_entropy(x[0], target, weight, label_smoothing: labelSmoothing),
            [Leaf(d, [6, 4], 2)], name: $"cross_entropy(label_smoothing={labelSmoothing}, weighted={weighted})");
    }

    [Fact]
    public void Module_gradients_of_input_and_every_parameter_match_finite_differences()
    {
        using var scope = NewDisposeScope();
        using var net = nn.Sequential(nn.Linear(4, 5), nn.LayerNorm(5), nn.GELU(), nn.Linear(5, 3));
        var input = Leaf(new TestData(46), [3, 4]);
        GradCheck.CheckModule(net, net.forward, input);
        net.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float64);
    }

    [Fact]
    public void A_wrong_gradient_is_detected()
    {
        using var scope = NewDisposeScope();
        var x = Leaf(new TestData(47), [4, 3]);
        // d/dx (x · stopgrad(x)) is x to autograd, but the function x² has derivative 2x.
        Func<Tensor[], Tensor> wrong = xs => xs[0] * xs[0].detach();
        var result = GradCheck.Compute(wrong, [x]);
        result.Passed.Should().BeFalse();
        result.Failed.Should().Be(12);
        result.Worst.Should().Contain("analytical").And.Contain("numerical");
        var act = () => GradCheck.Check(wrong, [x], name: "x * x.detach()");
        act.Should().Throw<XunitException>().WithMessage("*x * x.detach()*12 of 12*");
    }

    [Fact]
    public void Inputs_are_restored_after_the_check()
    {
        using var scope = NewDisposeScope();
        var x = Leaf(new TestData(48), [3, 3]);
        var before = x.detach().clone();
        GradCheck.Check(xs => xs[0].tanh(), [x]);
        TensorAssert.Equal(x.detach(), before, "input after gradcheck");
    }
}
