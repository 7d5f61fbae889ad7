using FluentAssertions;
using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

public class ModelShapeTests
{
    [Theory]
    [MemberData(nameof(SmallModels.Names), MemberType = typeof(SmallModels))]
    public void Every_model_maps_a_batch_to_logits(string name)
    {
        using var model = SmallModels.Create(name);
        using var scope = NewDisposeScope();
        foreach (var b in new long[] { 1, 3 })
        {
            var x = randn(new[] { b }.Concat(model.SampleShape).ToArray());
            model.forward(x).shape.Should().Equal(b, model.NumClasses);
        }
        model.FlopsPerClip.Should().BePositive();
        model.parameter_count().Should().BePositive();
    }

    [Theory]
    [MemberData(nameof(SmallModels.Names), MemberType = typeof(SmallModels))]
    public void Every_parameter_gets_a_finite_nonzero_gradient(string name)
    {
        manual_seed(1);
        using var model = SmallModels.Create(name);
        // Zero-initialised layers (TimeSformer's temporal_fc) block the gradient of what they gate; perturb them so that
        // the test checks every path.
        using (no_grad())
            foreach (var p in model.parameters()) { using var n = randn(p.shape) * 0.01; p.add_(n); }
        using var scope = NewDisposeScope();
        var x = randn(new[] { 2L }.Concat(model.SampleShape).ToArray());
        var y = tensor(new long[] { 1, 3 }, new long[] { 2 });
        nn.functional.cross_entropy(model.forward(x), y).backward();
        foreach (var (pname, p) in model.named_parameters())
        {
            var g = p.grad;
            g.Should().NotBeNull($"{pname} should receive a gradient");
            g!.isfinite().all().ToBoolean().Should().BeTrue($"{pname} gradient must be finite");
            g.abs().sum().ToDouble().Should().BeGreaterThan(0, $"{pname} gradient must be non-zero");
        }
    }

    [Theory]
    [InlineData("ViViT-Joint")]
    [InlineData("ViViT-FactorisedEncoder")]
    [InlineData("ViViT-FactorisedSelfAttention")]
    [InlineData("ViViT-FactorisedDotProduct")]
    [InlineData("ViViT-ShiftedWindow")]
    [InlineData("TimeSformer-DividedSpaceTime")]
    [InlineData("TimeSformer-JointSpaceTime")]
    public void Reversing_frames_changes_the_output_of_temporal_models(string name)
    {
        manual_seed(2);
        using var model = SmallModels.Create(name);
        model.eval();
        using var scope = NewDisposeScope();
        var x = randn(new[] { 2L }.Concat(model.SampleShape).ToArray());
        var a = model.forward(x);
        var b = model.forward(x.flip(1));
        (a - b).abs().max().ToSingle().Should().BeGreaterThan(1e-4f);
    }

    [Theory]
    [InlineData("FrameViT")]
    [InlineData("TimeSformer-SpaceOnly")]
    public void Order_invariant_models_ignore_frame_order(string name)
    {
        manual_seed(3);
        using var model = SmallModels.Create(name);
        model.eval();
        using var scope = NewDisposeScope();
        var x = randn(new[] { 2L }.Concat(model.SampleShape).ToArray());
        var a = model.forward(x);
        var b = model.forward(x.flip(1));
        (a - b).abs().max().ToSingle().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void FrameViT_handles_one_frame_and_one_patch_per_frame()
    {
        using var model = new FrameViT(FrameViTConfig.KthPatch64 with { Layers = 1, TokenDim = 32, AttnDim = 32, MlpDim = 64 });
        using var scope = NewDisposeScope();
        model.forward(randn(new long[] { 2, 1, 1, 64, 64 })).shape.Should().Equal(2, 6);
        model.forward(randn(new long[] { 1, 10, 1, 64, 64 })).shape.Should().Equal(1, 6);
    }

    [Fact]
    public void Wrong_input_shapes_give_clear_errors()
    {
        using var vit = new FrameViT(SmallModels.FrameViT);
        using var scope = NewDisposeScope();
        var act = () => vit.forward(randn(new long[] { 2, 4, 3, 32, 32 }));
        act.Should().Throw<ArgumentException>().WithMessage("*FrameViT expected input [B, T, 1, 32, 32]*got [2, 4, 3, 32, 32]*");
        using var vivit = new ViViT(SmallModels.ViViT(ViViTVariant.Joint));
        var odd = () => vivit.forward(randn(new long[] { 1, 5, 1, 32, 32 }));
        odd.Should().Throw<ArgumentException>().WithMessage("*frame count 5 is not divisible by the tubelet size 2*");
    }

    [Fact]
    public void Keras_preset_truncates_like_a_valid_convolution()
    {
        using var model = new ViViT(ViViTConfig.KerasOrganMnist3D);
        model.TokenGrid.Should().Be((3L, 3L, 3L));
        using var scope = NewDisposeScope();
        model.forward(randn(new long[] { 2, 28, 1, 28, 28 })).shape.Should().Equal(2, 11);
    }

    [Fact]
    public void Padding_remainder_pads_to_the_next_tubelet()
    {
        using var model = new ViViT(SmallModels.ViViT(ViViTVariant.Joint) with { Remainder = TubeletRemainder.Pad, Frames = 5 });
        model.TokenGrid.Should().Be((3L, 2L, 2L));
        using var scope = NewDisposeScope();
        model.forward(randn(new long[] { 1, 5, 1, 32, 32 })).shape.Should().Equal(1, 5);
    }

    [Fact]
    public void Patchifier_accepts_every_dividing_patch_and_rejects_others()
    {
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 3, 1, 64, 64 });
        foreach (var p in new long[] { 8, 16, 32, 64 })
        {
            using var patchify = new Patchifier(p);
            patchify.forward(x).shape.Should().Equal(2, 3, 64 / p * (64 / p), p * p);
        }
        using var rect = new Patchifier(8, 16);
        rect.forward(randn(new long[] { 1, 2, 3, 32, 48 })).shape.Should().Equal(1, 2, 4 * 3, 3 * 8 * 16);
        using var bad = new Patchifier(24);
        var act = () => bad.forward(x);
        act.Should().Throw<ArgumentException>().WithMessage("*patch 24x24 does not divide the frame 64x64*");
    }

    [Fact]
    public void Patchifier_layout_matches_a_strided_convolution_kernel()
    {
        // A conv with stride = kernel = p computes w·patch for each patch; with the patch flattened as (c, y, x) the
        // Patchifier followed by a matmul with the flattened kernel must give the same numbers.
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 1, 1, 3, 8, 8 });
        var w = randn(new long[] { 5, 3, 4, 4 });
        using var patchify = new Patchifier(4);
        var viaPatches = patchify.forward(x).matmul(w.reshape(5, 48).t());                  // [1, 1, 4, 5]
        var viaConv = nn.functional.conv2d(x.reshape(1, 3, 8, 8), w, null, new long[] { 4, 4 }).flatten(2).transpose(1, 2);
        (viaPatches.reshape(4, 5) - viaConv.reshape(4, 5)).abs().max().ToSingle().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void Attention_accepts_many_leading_dims_and_a_key_mask()
    {
        using var attn = new MultiHeadSelfAttention(16, 4, attnDim: 24);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 3, 5, 16 });
        var (y, maps) = attn.forward(x, null, returnAttention: true);
        y.shape.Should().Equal(2, 3, 5, 16);
        maps!.shape.Should().Equal(2, 3, 4, 5, 5);
        maps.sum(-1).sub(1.0).abs().max().ToSingle().Should().BeLessThan(1e-5f);
        var mask = ones(new long[] { 2, 3, 5 }, ScalarType.Bool);
        mask.select(2, 4).fill_(0L);
        var (_, masked) = attn.forward(x, mask, true);
        masked!.select(-1, 4).abs().max().ToSingle().Should().Be(0f, "masked keys get no attention");
    }

    [Fact]
    public void Tubelet_inflation_initialisations_follow_the_vivit_paper()
    {
        using var tub = new TubeletEmbedding(3, 8, 4, 2, 2);
        using var scope = NewDisposeScope();
        var w2 = randn(new long[] { 8, 3, 2, 2 });
        var b2 = randn(8);
        var frames = randn(new long[] { 1, 4, 3, 2, 2 });
        var same = frames.select(1, 0).unsqueeze(1).expand(1, 4, 3, 2, 2);          // a static clip
        tub.InitializeFrom2D(w2, b2, TubeletInit.FilterInflation);
        var expected = nn.functional.conv2d(same.select(1, 0), w2, b2);               // [1, 8, 1, 1]
        (tub.forward(same).reshape(8) - expected.reshape(8)).abs().max().ToSingle().Should().BeLessThan(1e-4f);
        tub.InitializeFrom2D(w2, b2, TubeletInit.CentralFrame);
        var central = nn.functional.conv2d(frames.select(1, 2), w2, b2);             // frame t/2 = 2
        (tub.forward(frames).reshape(8) - central.reshape(8)).abs().max().ToSingle().Should().BeLessThan(1e-4f);
    }

    [Fact]
    public void Positional_embeddings_interpolate_to_new_lengths()
    {
        using var pe = new LearnedPositionalEmbedding(1 + 4 * 4, 8, 1, (4, 4));
        using var scope = NewDisposeScope();
        pe.forward(zeros(new long[] { 2, 1 + 6 * 6, 8 }), (6, 6)).shape.Should().Equal(2, 37, 8);
        var same = pe.Resized(17);
        using var st = new SpaceTimePositionalEmbedding(4, 9, 8);
        st.forward(zeros(new long[] { 1, 8, 9, 8 })).shape.Should().Equal(1, 8, 9, 8);
        var t3 = SinusoidalPositionalEncoding.Table3D(2, 3, 4, 12);
        t3.shape.Should().Equal(24, 12);
        SinusoidalPositionalEncoding.Table1D(5, 8).shape.Should().Equal(5, 8);
        same.shape.Should().Equal(1, 17, 8);
    }

    [Fact]
    public void ActionBert_masks_padded_frames()
    {
        manual_seed(4);
        using var model = new ActionBert(SmallModels.ActionBert);
        model.eval();
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 6, 16 });
        var lengths = tensor(new long[] { 3, 6 }, new long[] { 2 });
        var a = model.forward(x, lengths);
        var x2 = x.clone();
        x2.select(0, 0).narrow(0, 3, 3).copy_(randn(new long[] { 3, 16 }));                            // change only padding of clip 0
        var b = model.forward(x2, lengths);
        (a.select(0, 0) - b.select(0, 0)).abs().max().ToSingle().Should().BeLessThan(1e-5f);
        (a.select(0, 1) - b.select(0, 1)).abs().max().ToSingle().Should().BeLessThan(1e-6f);
    }
}
