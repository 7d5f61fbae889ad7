using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.TestSupport;
using VideoTransformers.Torch;
using VideoTransformers.Zoo;
using FluentAssertions;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

[CollectionDefinition(PythonReferenceFixture.Collection)]
public sealed class PythonReferenceCollection : ICollectionFixture<PythonReferenceFixture>;

/// <summary>
/// Every model and block against an independent PyTorch reference (tests/python/ref_models.py) loaded with the
/// same weights: logits, and gradients with respect to the input and every parameter, to 1e-5 in float32.
/// </summary>
[Collection(PythonReferenceFixture.Collection)]
public class ModelParityTests(PythonReferenceFixture python)
{
    public static IEnumerable<object[]> Specs()
    {
        yield return ["frame-vit", new ModelSpec { Model = "frame-vit", FrameViT = SmallModels.FrameViT with { HeadHidden = 16 } }];
        foreach (var v in ViViTVariant.All)
            yield return [$"vivit-{v}", new ModelSpec { Model = "vivit", ViViT = SmallModels.ViViT(v) }];
        yield return ["vivit-keras-mean-truncate", new ModelSpec { Model = "vivit", ViViT = SmallModels.ViViT(ViViTVariant.Joint) with
            { Pooling = Pooling.Mean, Frames = 5, ImageHeight = 36, Remainder = TubeletRemainder.Truncate, LayerNormEps = 1e-6, Gelu = "tanh" } }];
        // Every block shifted or not, no padding and no clipping, with the MLP head, tanh GELU and another LayerNorm epsilon.
        yield return ["vivit-shifted-window-even", new ModelSpec { Model = "vivit", ViViT = SmallModels.ShiftedWindow with
            { ImageHeight = 64, ImageWidth = 64, WindowT = 2, WindowH = 2, WindowW = 2, Layers = 3, HeadHidden = 16, Gelu = "tanh", LayerNormEps = 1e-6 } }];
        foreach (var a in TimeSformerAttention.All)
            yield return [$"timesformer-{a}", new ModelSpec { Model = "timesformer", TimeSformer = SmallModels.TimeSformer(a) with { HeadHidden = 16 } }];
        yield return ["actionbert", new ModelSpec { Model = "actionbert", ActionBert = SmallModels.ActionBert }];
        yield return ["actionbert-e2e", new ModelSpec { Model = "actionbert", ActionBert = SmallModels.ActionBert with { FrameEncoder = new FrameEncoderConfig(1, 16, 16, 8), MaxLength = 4 } }];
        yield return ["bilstm", new ModelSpec { Model = "bilstm", Rnn = SmallModels.BiLstm with { Layers = 2 } }];
        yield return ["cnn-lstm", new ModelSpec { Model = "cnn-lstm", Rnn = SmallModels.CnnLstm }];
    }

    /// <summary>Every spec in float32 (at 1e-5) and float64 (at 1e-10, where a gradient that is 0.1% off cannot hide under an absolute tolerance).</summary>
    public static IEnumerable<object[]> SpecsAndDtypes() =>
        Specs().SelectMany(s => new[] { new[] { s[0], s[1], ScalarType.Float32 }, new[] { s[0], s[1], ScalarType.Float64 } });

    [SkippableTheory]
    [MemberData(nameof(SpecsAndDtypes))]
    public void Logits_and_gradients_match_pytorch(string name, ModelSpec spec, ScalarType dtype)
    {
        manual_seed(name.Length);
        using var model = spec.Build();
        model.eval();
        // Random (not zero) values everywhere, so that zero-initialised layers are exercised too.
        using (no_grad())
            foreach (var p in model.parameters()) { using var n = randn(p.shape) * 0.1; p.add_(n); }
        if (dtype != ScalarType.Float32) model.to(dtype);
        using var scope = NewDisposeScope();
        var x = randn(new[] { 2L }.Concat(model.SampleShape).ToArray()).to(dtype);
        var inputs = new Dictionary<string, Tensor> { ["x"] = x };
        foreach (var (pname, p) in model.named_parameters())
        {
            p.dtype.Should().Be(dtype, pname);
            inputs["p." + pname] = p;
        }
        var gradNames = inputs.Keys.ToHashSet();
        foreach (var (bname, b) in model.named_buffers()) inputs["b." + bname] = b;
        var (atol, rtol) = TensorAssert.DefaultTolerance(dtype);
        var compared = python.Check("model_forward", inputs, leaves => new Dictionary<string, Tensor> { ["logits"] = model.forward(leaves["x"]) },
            new { spec = System.Text.Json.JsonDocument.Parse(spec.ToJson()).RootElement }, grad: gradNames, atol: atol, rtol: rtol);
        // The logits, the input's gradient and every parameter's: none may be skipped as undefined on both sides.
        compared.Should().Be(1 + gradNames.Count);
    }

    /// <summary>Every preset, and every small spec above (which covers the variants that no preset uses).</summary>
    public static IEnumerable<object[]> PresetsAndSpecs() =>
        ModelZoo.Presets.Select(p => new object[] { p.Key, p.Value() }).Concat(Specs());

    /// <summary>
    /// A preset's parameter count against the PyTorch reference model's summed parameter sizes, and its FLOP formula
    /// against the matrix products and convolutions that PyTorch actually runs for one clip (counted at the ATen
    /// dispatch level in tests/python/cases_models.py, knowing nothing of our formulas).
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(PresetsAndSpecs))]
    public void Preset_parameter_and_flop_counts_match_an_independent_count(string name, ModelSpec spec)
    {
        using var model = spec.Build();
        using var scope = NewDisposeScope();
        var counts = python.Run("model_counts", new Dictionary<string, Tensor>(),
            new { spec = System.Text.Json.JsonDocument.Parse(spec.ToJson()).RootElement, sample_shape = model.SampleShape });
        model.parameter_count().Should().Be(counts["params"].ToInt64(), $"the reference {name} model's parameters");
        model.FlopsPerClip.Should().Be(counts["flops"].ToInt64(), $"PyTorch's matrix products and convolutions for one {name} clip");
    }

    /// <summary>
    /// Resized positional embeddings (2-D grid, 1-D sequence, time axis) against F.interpolate, and the sinusoidal
    /// tables against the sin/cos formula, all computed in tests/python from the same weights.
    /// </summary>
    [SkippableFact]
    public void Positional_embedding_resizing_and_sinusoidal_tables_match_pytorch_and_the_formula()
    {
        manual_seed(12);
        using var pe = new LearnedPositionalEmbedding(1 + 4 * 4, 8, 1, (4, 4));
        using var st = new SpaceTimePositionalEmbedding(4, 9, 8);
        using var scope = NewDisposeScope();
        var weight = pe.named_parameters().Single(p => p.name == "weight").parameter;
        var time = st.named_parameters().Single(p => p.name == "time").parameter;
        var space = st.named_parameters().Single(p => p.name == "space").parameter;
        using (no_grad())
        {
            // Distinct, non-smooth values, so that any wrong sampling position shows.
            weight.copy_(randn(weight.shape));
            time.copy_(randn(time.shape));
        }
        var expected = python.Run("positional_embeddings", new Dictionary<string, Tensor> { ["weight"] = weight.detach(), ["time"] = time.detach() },
            new { prefix = 1, grid0 = new[] { 4, 4 }, grid1 = new[] { 6, 5 }, length1 = 10, frames1 = 7, table1d = new[] { 5, 8 }, table3d = new[] { 2, 3, 4, 12 } });
        using var _ = no_grad();
        TensorAssert.Close(pe.Resized(1 + 6 * 5, (6, 5)), expected["grid"], "grid 4x4 -> 6x5");
        TensorAssert.Close(pe.Resized(1 + 10), expected["sequence"], "sequence 16 -> 10");
        TensorAssert.Close(pe.Resized(17), weight, "unchanged length");
        var tokens = zeros(new long[] { 1, 7, 9, 8 });
        TensorAssert.Close(st.forward(tokens) - space, expected["time"].expand(1, 7, 9, 8), "time 4 -> 7");
        TensorAssert.Close(SinusoidalPositionalEncoding.Table1D(5, 8), expected["table1d"], "Table1D(5, 8)");
        TensorAssert.Close(SinusoidalPositionalEncoding.Table3D(2, 3, 4, 12), expected["table3d"], "Table3D(2, 3, 4, 12)");
    }

    [SkippableFact]
    public void ActionBert_with_padding_mask_matches_pytorch()
    {
        manual_seed(7);
        var spec = new ModelSpec { Model = "actionbert", ActionBert = SmallModels.ActionBert };
        using var model = spec.Build();
        model.eval();
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 3, 6, 16 });
        var lengths = tensor(new long[] { 2, 6, 4 }, new long[] { 3 });
        var inputs = new Dictionary<string, Tensor> { ["x"] = x, ["lengths"] = lengths };
        foreach (var (pname, p) in model.named_parameters()) inputs["p." + pname] = p;
        python.Check("model_forward", inputs,
            leaves => new Dictionary<string, Tensor> { ["logits"] = ((ActionBert)model).forward(leaves["x"], leaves["lengths"]) },
            new { spec = System.Text.Json.JsonDocument.Parse(spec.ToJson()).RootElement }, grad: ["x"], atol: 1e-5, rtol: 1e-5)
            .Should().Be(2, "the logits and the input's gradient are compared");
    }

    [SkippableFact]
    public void Attention_with_key_mask_and_separate_attention_dim_matches_pytorch()
    {
        manual_seed(8);
        using var attn = new MultiHeadSelfAttention(12, 3, attnDim: 18);
        attn.eval();
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 3, 5, 12 });
        var mask = rand(new long[] { 2, 3, 5 }).gt(0.3);
        mask.select(2, 0).fill_(1L);
        var inputs = new Dictionary<string, Tensor> { ["x"] = x, ["mask"] = mask };
        foreach (var (pname, p) in attn.named_parameters()) inputs["p." + pname] = p;
        var grads = inputs.Keys.Where(k => k != "mask").ToList();
        python.Check("block_forward", inputs, l => new Dictionary<string, Tensor> { ["y"] = attn.forward(l["x"], l["mask"]).output },
            new { kind = "attention", dim = 12, heads = 3, attn_dim = 18 }, grad: grads, atol: 1e-5, rtol: 1e-5)
            .Should().Be(1 + grads.Count, "the output, the input's gradient and every parameter's are compared");
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Transformer_block_matches_pytorch(bool preNorm)
    {
        manual_seed(9);
        using var block = new TransformerBlock(new TransformerOptions { Dim = 16, Heads = 4, MlpDim = 32, AttnDim = 24 }, preNorm);
        block.eval();
        using var scope = NewDisposeScope();
        var inputs = new Dictionary<string, Tensor> { ["x"] = randn(new long[] { 2, 7, 16 }) };
        foreach (var (pname, p) in block.named_parameters()) inputs["p." + pname] = p;
        python.Check("block_forward", inputs, l => new Dictionary<string, Tensor> { ["y"] = block.forward(l["x"]) },
            new { kind = "block", dim = 16, heads = 4, mlp = 32, attn_dim = 24, pre_norm = preNorm }, grad: inputs.Keys.ToList(), atol: 1e-5, rtol: 1e-5)
            .Should().Be(1 + inputs.Count, "the output, the input's gradient and every parameter's are compared");
    }

    /// <summary>
    /// The shifted-window attention alone in float64, on a grid where time is shifted, height shifted and padded and
    /// width clipped, against the reference's Video Swin attention (tests/python/ref_models.py, WindowAttention3D).
    /// </summary>
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Window_attention_matches_pytorch(bool shifted)
    {
        manual_seed(13);
        using var attn = new ViViTShiftedWindow.WindowAttention3D(12, 3, (2, 2, 3), shifted);
        attn.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        using (no_grad())
            foreach (var p in attn.parameters()) { using var n = randn(p.shape, ScalarType.Float64) * 0.1; p.add_(n); }
        var inputs = new Dictionary<string, Tensor> { ["x"] = randn(new long[] { 2, 4, 3, 2, 12 }, ScalarType.Float64) };
        foreach (var (pname, p) in attn.named_parameters()) inputs["p." + pname] = p;
        var grads = inputs.Keys.ToList();
        foreach (var (bname, b) in attn.named_buffers()) inputs["b." + bname] = b;
        python.Check("block_forward", inputs, l => new Dictionary<string, Tensor> { ["y"] = attn.forward(l["x"]) },
            new { kind = "window_attention", dim = 12, heads = 3, window = new[] { 2, 2, 3 }, shifted }, grad: grads, atol: 1e-10, rtol: 1e-10)
            .Should().Be(1 + grads.Count, "the output, the input's gradient and every parameter's are compared");
    }

    [SkippableFact]
    public void Patchifier_and_patch_embedding_match_pytorch()
    {
        manual_seed(10);
        using var patchify = new Patchifier(8);
        using var embed = new PatchEmbedding(3 * 64, 20);
        using var scope = NewDisposeScope();
        var inputs = new Dictionary<string, Tensor> { ["x"] = randn(new long[] { 2, 3, 3, 16, 24 }) };
        foreach (var (pname, p) in embed.named_parameters()) inputs["p." + pname] = p;
        python.Check("block_forward", inputs, l => new Dictionary<string, Tensor> { ["y"] = embed.forward(patchify.forward(l["x"])) },
            new { kind = "patch_embedding", patch_dim = 192, dim = 20, patch = 8 }, grad: inputs.Keys.ToList(), atol: 1e-5, rtol: 1e-5)
            .Should().Be(1 + inputs.Count, "the output, the input's gradient and every parameter's are compared");
    }
}
