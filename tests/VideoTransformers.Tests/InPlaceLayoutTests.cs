using FluentAssertions;
using VideoTransformers.Blocks;
using VideoTransformers.TestSupport;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

/// <summary>
/// The copy-saving paths of the divided and factorised blocks compute what the transposing ones did: attention along
/// dimension 1 in place, and one drop-path mask for a residual branch computed in two parts.
/// </summary>
public class InPlaceLayoutTests
{
    [Fact]
    public void Attending_over_dim_1_in_place_equals_attending_over_the_transposed_tokens()
    {
        manual_seed(41);
        using var attn = new MultiHeadSelfAttention(6, 2, attnDim: 8) { KeepAttention = true };
        attn.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 5, 3, 6 }, ScalarType.Float64, requires_grad: true);   // [B, T, S, D]
        var g = randn(new long[] { 2, 5, 3, 6 }, ScalarType.Float64);

        var (transposed, expectedMap) = attn.forward(x.transpose(1, 2), null, returnAttention: true);
        var expected = transposed.transpose(1, 2);
        var expectedGrad = autograd.grad([(expected * g).sum()], [x])[0];

        var actual = attn.AttendOverDim1(x);
        var actualGrad = autograd.grad([(actual * g).sum()], [x])[0];

        actual.shape.Should().Equal(2, 5, 3, 6);
        TensorAssert.Close(actual, expected, 1e-12, 0, "output");
        TensorAssert.Close(actualGrad, expectedGrad, 1e-12, 0, "input gradient");
        attn.LastAttention!.shape.Should().Equal(2, 3, 2, 5, 5);
        TensorAssert.Close(attn.LastAttention!, expectedMap!, 1e-12, 0, "attention map [B, S, heads, T, T]");
    }

    [Fact]
    public void Drop_path_of_two_parts_drops_the_samples_one_tensor_would()
    {
        using var dropPath = new DropPath(0.5);
        dropPath.train();
        using var scope = NewDisposeScope();
        var a = ones(16, 1, 4);
        var b = ones(16, 3, 2, 4);

        manual_seed(42);
        var (da, db) = dropPath.forward(a, b);
        manual_seed(42);
        var whole = dropPath.forward(ones(16, 7, 4));

        var kept = whole.select(2, 0).select(1, 0);                                         // 0 or 2 per sample
        kept.data<float>().ToArray().Distinct().Order().Should().Equal(new[] { 0f, 2f }, "some of the 16 samples are dropped and the others scaled by 2");
        TensorAssert.Equal(da, kept.reshape(16, 1, 1).expand(16, 1, 4), "first part");
        TensorAssert.Equal(db, kept.reshape(16, 1, 1, 1).expand(16, 3, 2, 4), "second part");
    }
}
