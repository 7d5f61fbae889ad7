using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.TestSupport;
using VideoTransformers.Torch;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

/// <summary>Central finite differences in float64 against autograd, for the attention layers and blocks.</summary>
public class BlockGradCheckTests
{
    [Fact]
    public void MultiHeadSelfAttention_gradients_match_finite_differences()
    {
        manual_seed(21);
        using var attn = new MultiHeadSelfAttention(6, 2, attnDim: 8);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 3, 4, 6 }, ScalarType.Float64, requires_grad: true);
        GradCheck.CheckModule(attn, t => attn.forward(t), x);
    }

    [Fact]
    public void MultiHeadSelfAttention_with_key_mask_gradients_match_finite_differences()
    {
        manual_seed(22);
        using var attn = new MultiHeadSelfAttention(6, 3);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 5, 6 }, ScalarType.Float64, requires_grad: true);
        var mask = tensor(new[] { true, true, false, true, false, true, true, true, true, false }, new long[] { 2, 5 });
        GradCheck.CheckModule(attn, t => attn.forward(t, mask).output, x);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TransformerBlock_gradients_match_finite_differences(bool preNorm)
    {
        manual_seed(23);
        using var block = new TransformerBlock(new TransformerOptions { Dim = 6, Heads = 2, MlpDim = 10, AttnDim = 4 }, preNorm);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 4, 6 }, ScalarType.Float64, requires_grad: true);
        GradCheck.CheckModule(block, t => block.forward(t), x);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Window_attention_gradients_match_finite_differences(bool shifted)
    {
        manual_seed(25);
        // 4×3×2 tokens in 2×2×3 windows: time shifted, height shifted and padded, width clipped to the grid.
        using var attn = new ViViTShiftedWindow.WindowAttention3D(4, 2, (2, 2, 3), shifted);
        using var block = new TransformerBlock(new TransformerOptions { Dim = 4, Heads = 2, MlpDim = 8 }, attention: o => new ViViTShiftedWindow.WindowAttention3D(o.Dim, o.Heads, (2, 2, 3), shifted));
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 4, 3, 2, 4 }, ScalarType.Float64, requires_grad: true);
        GradCheck.CheckModule(attn, t => attn.forward(t), x);
        GradCheck.CheckModule(block, t => block.forward(t), x);
    }

    [Fact]
    public void Factorised_and_divided_blocks_gradients_match_finite_differences()
    {
        manual_seed(24);
        var o = new TransformerOptions { Dim = 4, Heads = 2, MlpDim = 8 };
        using var fsa = new FactorisedSelfAttentionBlock(o);
        using var fdp = new TransformerBlock(o, attention: b => new FactorisedDotProductAttention(b.Dim, b.Heads));
        using var div = new DividedSpaceTimeBlock(o, zeroInitTemporalFc: false);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 1, 3, 2, 4 }, ScalarType.Float64, requires_grad: true);
        GradCheck.CheckModule(fsa, t => fsa.forward(t), x);
        GradCheck.CheckModule(fdp, t => fdp.forward(t), x);
        var cls = randn(new long[] { 1, 1, 4 }, ScalarType.Float64);
        GradCheck.CheckModule(div, t => { var (c, tok) = div.forward((cls, t)); return cat(new[] { c, tok.reshape(1, 6, 4) }, 1); }, x);
    }
}
