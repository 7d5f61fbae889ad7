using FluentAssertions;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Torch.Tests;

/// <summary>
/// FastDropout must be dropout: the kept fraction is 1 − p, kept elements are scaled by exactly 1 / (1 − p), the
/// gradient flows through the same mask, eval mode is the identity, and a seed reproduces the mask.
/// </summary>
public class FastDropoutTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Keeps_a_fraction_one_minus_p_scaled_by_one_over_one_minus_p(double p)
    {
        using var scope = NewDisposeScope();
        const long n = 1_000_000;
        var x = ones(n, dtype: ScalarType.Float64);
        var y = FastDropout.dropout(x, p);
        var kept = y.ne(0);
        var keptFraction = kept.to(ScalarType.Float64).mean().item<double>();
        // Binomial standard deviation sqrt(p(1-p)/n) is at most 5e-4 here; 3e-3 is six of them.
        keptFraction.Should().BeApproximately(1 - p, 3e-3);
        // Every kept element is exactly 1/(1-p) (computed as 1 * (1/(1-p)) in float64), every other exactly 0.
        var scale = 1.0 / (1.0 - p);
        y.masked_select(kept).sub(scale).abs().max().item<double>().Should().Be(0);
        y.mean().item<double>().Should().BeApproximately(1.0, 6 * Math.Sqrt(p / (1 - p) / n));
    }

    [Fact]
    public void The_gradient_is_the_same_mask_and_scale()
    {
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 64, 128 }, dtype: ScalarType.Float64).requires_grad_(true);
        var y = FastDropout.dropout(x, 0.3);
        var g = randn(new long[] { 64, 128 }, dtype: ScalarType.Float64);
        y.backward(new[] { g });
        var mask = y.ne(0).to(ScalarType.Float64) / 0.7;
        x.grad!.allclose(g * mask, rtol: 0, atol: 1e-15).Should().BeTrue();
        // And the forward was x times that same mask.
        y.detach().allclose(x.detach() * mask, rtol: 0, atol: 1e-15).Should().BeTrue();
    }

    [Fact]
    public void Eval_mode_and_p_zero_are_the_identity_and_p_one_drops_everything()
    {
        using var scope = NewDisposeScope();
        var x = randn(8, 16);
        FastDropout.dropout(x, 0.5, training: false).equal(x).all().item<bool>().Should().BeTrue();
        FastDropout.dropout(x, 0.0).equal(x).all().item<bool>().Should().BeTrue();
        FastDropout.dropout(x, 1.0).count_nonzero().item<long>().Should().Be(0);
    }

    [Fact]
    public void A_seed_reproduces_the_mask()
    {
        using var scope = NewDisposeScope();
        var x = ones(1000);
        manual_seed(123);
        var a = FastDropout.dropout(x, 0.25);
        manual_seed(123);
        var b = FastDropout.dropout(x, 0.25);
        manual_seed(124);
        var c = FastDropout.dropout(x, 0.25);
        a.equal(b).all().item<bool>().Should().BeTrue();
        a.equal(c).all().item<bool>().Should().BeFalse();
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_probability_outside_zero_one_is_refused(double p)
    {
        using var x = ones(4);
        var act = () => FastDropout.dropout(x, p);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[0, 1]*");
    }

    [Fact]
    public void An_integer_tensor_is_refused()
    {
        using var x = ones(4, dtype: ScalarType.Int64);
        var act = () => FastDropout.dropout(x, 0.5);
        act.Should().Throw<ArgumentException>().WithMessage("*floating-point*Int64*");
    }
}
