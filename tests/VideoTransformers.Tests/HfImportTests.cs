using FluentAssertions;
using VideoTransformers.Interop;
using VideoTransformers.TestSupport;
using VideoTransformers.Torch;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

/// <summary>
/// HF checkpoint import: a PyTorch re-implementation of HF's VivitForVideoClassification / TimesformerForVideoClassification
/// (tests/python/cases_hf.py, HF's module names) writes config.json + model.safetensors with random weights; we import
/// the folder and must produce the same logits.
/// </summary>
[Collection(PythonReferenceFixture.Collection)]
public class HfImportTests(PythonReferenceFixture python)
{
    private static Dictionary<string, string> Labels(int n) => Enumerable.Range(0, n).ToDictionary(i => i.ToString(), i => $"class_{i}");

    public static IEnumerable<object[]> Configs()
    {
        yield return ["vivit", new Dictionary<string, object>
        {
            ["model_type"] = "vivit", ["image_size"] = 32, ["num_frames"] = 4, ["tubelet_size"] = new[] { 2, 16, 16 }, ["num_channels"] = 3,
            ["hidden_size"] = 32, ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4, ["intermediate_size"] = 64,
            ["hidden_act"] = "gelu_fast", ["layer_norm_eps"] = 1e-6, ["qkv_bias"] = true, ["id2label"] = Labels(7),
        }];
        foreach (var att in new[] { "divided_space_time", "joint_space_time", "space_only" })
            yield return [$"timesformer-{att}", new Dictionary<string, object>
            {
                ["model_type"] = "timesformer", ["image_size"] = 32, ["patch_size"] = 16, ["num_frames"] = 3, ["num_channels"] = 3,
                ["hidden_size"] = 32, ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4, ["intermediate_size"] = 64,
                ["hidden_act"] = "gelu", ["layer_norm_eps"] = 1e-6, ["qkv_bias"] = true, ["attention_type"] = att, ["id2label"] = Labels(5),
            }];
    }

    [SkippableTheory]
    [MemberData(nameof(Configs))]
    public void Imported_checkpoint_gives_the_same_logits(string name, Dictionary<string, object> config)
    {
        PythonReference.RequirePython();
        var dir = Path.Combine(Path.GetTempPath(), "vt-hf-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var scope = NewDisposeScope();
            manual_seed(5);
            var frames = Convert.ToInt64(config["num_frames"]);
            var x = randn(new long[] { 2, frames, 3, 32, 32 });
            var expected = python.Run("hf_checkpoint", new Dictionary<string, Tensor> { ["x"] = x }, new { config, dir, seed = name.Length })["logits"];
            var result = HfImport.Load(dir);
            using var model = result.Model;
            result.Labels.Should().HaveCount((int)expected.size(1));
            result.Labels[0].Should().Be("class_0");
            using var _ = no_grad();
            TensorAssert.Close(model.forward(x), expected, 1e-5, 1e-5, name);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Missing_folder_and_files_give_clear_errors()
    {
        var act = () => HfImport.Load("/nonexistent/hf-model");
        act.Should().Throw<DirectoryNotFoundException>().WithMessage("*/nonexistent/hf-model*");
        var dir = Directory.CreateTempSubdirectory("vt-hf-empty").FullName;
        try
        {
            var noConfig = () => HfImport.Load(dir);
            noConfig.Should().Throw<FileNotFoundException>().WithMessage("*config.json*");
        }
        finally { Directory.Delete(dir, true); }
    }
}
