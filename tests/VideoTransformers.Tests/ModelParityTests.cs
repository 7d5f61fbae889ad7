using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.TestSupport;
using VideoTransformers.Torch;
using VideoTransformers.Zoo;
using Xunit;
using static VideoTransformers.Torch.torch;

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
        foreach (var v in Enum.GetValues<ViViTVariant>())
            yield return [$"vivit-{v}", new ModelSpec { Model = "vivit", ViViT = SmallModels.ViViT(v) }];
        yield return ["vivit-keras-mean-truncate", new ModelSpec { Model = "vivit", ViViT = SmallModels.ViViT(ViViTVariant.Joint) with
            { Pooling = Pooling.Mean, Frames = 5, ImageHeight = 36, Remainder = TubeletRemainder.Truncate, LayerNormEps = 1e-6, Gelu = "tanh" } }];
        foreach (var a in Enum.GetValues<TimeSformerAttention>())
            yield return [$"timesformer-{a}", new ModelSpec { Model = "timesformer", TimeSformer = SmallModels.TimeSformer(a) with { HeadHidden = 16 } }];
        yield return ["actionbert", new ModelSpec { Model = "actionbert", ActionBert = SmallModels.ActionBert }];
        yield return ["actionbert-e2e", new ModelSpec { Model = "actionbert", ActionBert = SmallModels.ActionBert with { FrameEncoder = new FrameEncoderConfig(1, 16, 16, 8), MaxLength = 4 } }];
        yield return ["bilstm", new ModelSpec { Model = "bilstm", Rnn = SmallModels.BiLstm with { Layers = 2 } }];
        yield return ["cnn-lstm", new ModelSpec { Model = "cnn-lstm", Rnn = SmallModels.CnnLstm }];
    }

    [SkippableTheory]
    [MemberData(nameof(Specs))]
    public void Logits_and_gradients_match_pytorch(string name, ModelSpec spec)
    {
        manual_seed(name.Length);
        using var model = spec.Build();
        model.eval();
        // Random (not zero) values everywhere, so that zero-initialised layers are exercised too.
        using (no_grad())
            foreach (var p in model.parameters()) { using var n = randn(p.shape) * 0.1; p.add_(n); }
        using var scope = NewDisposeScope();
        var x = randn(new[] { 2L }.Concat(model.SampleShape).ToArray());
        var inputs = new Dictionary<string, Tensor> { ["x"] = x };
        foreach (var (pname, p) in model.named_parameters()) inputs["p." + pname] = p;
        var paramNames = inputs.Keys.ToHashSet();
        foreach (var (bname, b) in model.named_buffers()) inputs["b." + bname] = b;
        python.Check("model_forward", inputs, leaves => new Dictionary<string, Tensor> { ["logits"] = model.forward(leaves["x"]) },
            new { spec = System.Text.Json.JsonDocument.Parse(spec.ToJson()).RootElement }, grad: paramNames, atol: 1e-5, rtol: 1e-5);
    }

    [SkippableFact]
    public void ActionBert_with_padding_mask_matches_pytorch()
    {
        manual_seed(7);
        var spec = new ModelSpec { Model = "actionbert", ActionBert = SmallModels.ActionBert };
        using var model = spec.Build();
        model.eval();
        using var scope = NewDisposeScope();
        var x = randn(3, 6, 16);
        var lengths = tensor(new long[] { 2, 6, 4 }, new long[] { 3 });
        var inputs = new Dictionary<string, Tensor> { ["x"] = x, ["lengths"] = lengths };
        foreach (var (pname, p) in model.named_parameters()) inputs["p." + pname] = p;
        python.Check("model_forward", inputs,
            leaves => new Dictionary<string, Tensor> { ["logits"] = ((ActionBert)model).forward(leaves["x"], leaves["lengths"]) },
            new { spec = System.Text.Json.JsonDocument.Parse(spec.ToJson()).RootElement }, grad: ["x"], atol: 1e-5, rtol: 1e-5);
    }

    [SkippableFact]
    public void Attention_with_key_mask_and_separate_attention_dim_matches_pytorch()
    {
        manual_seed(8);
        using var attn = new MultiHeadSelfAttention(12, 3, attnDim: 18);
        attn.eval();
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 5, 12);
        var mask = rand(2, 3, 5).gt(0.3);
        mask.select(2, 0).fill_(1L);
        var inputs = new Dictionary<string, Tensor> { ["x"] = x, ["mask"] = mask };
        foreach (var (pname, p) in attn.named_parameters()) inputs["p." + pname] = p;
        python.Check("block_forward", inputs, l => new Dictionary<string, Tensor> { ["y"] = attn.forward(l["x"], l["mask"]).output },
            new { kind = "attention", dim = 12, heads = 3, attn_dim = 18 }, grad: inputs.Keys.Where(k => k != "mask").ToList(), atol: 1e-5, rtol: 1e-5);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Transformer_block_matches_pytorch(bool preNorm)
    {
        manual_seed(9);
        using var block = new TransformerBlock(new BlockOptions(16, 4, 32, AttnDim: 24), preNorm);
        block.eval();
        using var scope = NewDisposeScope();
        var inputs = new Dictionary<string, Tensor> { ["x"] = randn(2, 7, 16) };
        foreach (var (pname, p) in block.named_parameters()) inputs["p." + pname] = p;
        python.Check("block_forward", inputs, l => new Dictionary<string, Tensor> { ["y"] = block.forward(l["x"]) },
            new { kind = "block", dim = 16, heads = 4, mlp = 32, attn_dim = 24, pre_norm = preNorm }, grad: inputs.Keys.ToList(), atol: 1e-5, rtol: 1e-5);
    }

    [SkippableFact]
    public void Patchifier_and_patch_embedding_match_pytorch()
    {
        manual_seed(10);
        using var patchify = new Patchifier(8);
        using var embed = new PatchEmbedding(3 * 64, 20);
        using var scope = NewDisposeScope();
        var inputs = new Dictionary<string, Tensor> { ["x"] = randn(2, 3, 3, 16, 24) };
        foreach (var (pname, p) in embed.named_parameters()) inputs["p." + pname] = p;
        python.Check("block_forward", inputs, l => new Dictionary<string, Tensor> { ["y"] = embed.forward(patchify.forward(l["x"])) },
            new { kind = "patch_embedding", patch_dim = 192, dim = 20, patch = 8 }, grad: inputs.Keys.ToList(), atol: 1e-5, rtol: 1e-5);
    }
}
