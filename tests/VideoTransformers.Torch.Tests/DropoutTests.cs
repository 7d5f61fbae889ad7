using FluentAssertions;
using VideoTransformers.TestSupport;
using Xunit;
using static VideoTransformers.Torch.torch;
using F = VideoTransformers.Torch.torch.nn.functional;

namespace VideoTransformers.Torch.Tests;

/// <summary>
/// Dropout with p &gt; 0 is random, so it is checked statistically: every element is either dropped (0) or scaled by
/// 1/(1−p), the dropped fraction is p within 5 standard deviations, and the gradient follows the same mask.
/// (p = 0 and evaluation mode are compared with PyTorch in <see cref="OpParityTests"/>.)
/// </summary>
public class DropoutTests
{
    private const int N = 200_000;

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(0.75)]
    public void Training_dropout_zeroes_a_fraction_p_and_scales_the_rest_by_one_over_one_minus_p(double p)
    {
        using var scope = NewDisposeScope();
        var x = new TestData(50).Uniform([N / 100, 100], 0.5, 1.5).requires_grad_();
        var y = F.dropout(x, p, training: true);
        y.backward(ones_like(y));

        var xs = x.detach().data<float>();
        var ys = y.detach().data<float>();
        var gs = x.grad!.data<float>();
        var scale = (float)(1 / (1 - p));
        long dropped = 0, badDroppedGrad = 0, badScale = 0, badGrad = 0;
        for (var i = 0; i < N; i++)
        {
            if (ys[i] == 0)
            {
                dropped++;
                if (gs[i] != 0) badDroppedGrad++;
                continue;
            }
            if (Math.Abs(ys[i] - xs[i] * scale) > 1e-6f * Math.Abs(ys[i])) badScale++;
            if (Math.Abs(gs[i] - scale) > 1e-6f * scale) badGrad++;
        }
        badDroppedGrad.Should().Be(0, "a dropped element passes no gradient");
        badScale.Should().Be(0, "kept elements are scaled by 1/(1-p)");
        badGrad.Should().Be(0, "the gradient of a kept element is 1/(1-p)");
        var sigma = Math.Sqrt(p * (1 - p) / N);
        ((double)dropped / N).Should().BeApproximately(p, 5 * sigma, "the dropped fraction is Binomial(N, p)/N");

        // E[y] = E[x]: scaling keeps the expectation.
        var meanRatio = (y.detach().sum() / x.detach().sum()).item<double>();
        meanRatio.Should().BeApproximately(1, 5 * Math.Sqrt(p / (1 - p) / N) * 1.2);
    }

    [Fact]
    public void The_mask_is_random_per_element_and_per_call()
    {
        using var scope = NewDisposeScope();
        var x = ones(64, 1000);
        var a = F.dropout(x, 0.5).eq(0.0);
        var b = F.dropout(x, 0.5).eq(0.0);
        // Two masks agree on about half the elements, and every row and column is mixed.
        var agree = a.eq(b).to(ScalarType.Float64).mean().item<double>();
        agree.Should().BeApproximately(0.5, 5 * Math.Sqrt(0.25 / 64000));
        var perRow = a.to(ScalarType.Float64).mean(1);
        perRow.min().item<double>().Should().BeGreaterThan(0.35);
        perRow.max().item<double>().Should().BeLessThan(0.65);
    }

    [Fact]
    public void Dropout_with_p_1_drops_everything_and_eval_mode_is_the_identity()
    {
        using var scope = NewDisposeScope();
        var x = new TestData(51).Randn([10, 10]);
        F.dropout(x, 1.0).abs().sum().item<double>().Should().Be(0);
        TensorAssert.Equal(F.dropout(x, 0.9, training: false), x, "eval-mode dropout");

        using var layer = new nn.Dropout(0.5);
        layer.eval();
        TensorAssert.Equal(layer.forward(x), x, "nn.Dropout in eval mode");
        layer.train();
        layer.forward(x).eq(0.0).any().item<bool>().Should().BeTrue("nn.Dropout in training mode drops elements");
    }

    [Fact]
    public void Dropout_rejects_probabilities_outside_0_1()
    {
        using var scope = NewDisposeScope();
        var x = ones(3);
        ((Action)(() => F.dropout(x, -0.1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => F.dropout(x, 1.5))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
