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
        // HF ViViT configurations may turn the Q/K/V bias off; the checkpoint then has no query/key/value biases.
        yield return ["vivit-no-qkv-bias", new Dictionary<string, object>
        {
            ["model_type"] = "vivit", ["image_size"] = 32, ["num_frames"] = 4, ["tubelet_size"] = new[] { 2, 16, 16 }, ["num_channels"] = 3,
            ["hidden_size"] = 32, ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4, ["intermediate_size"] = 64,
            ["hidden_act"] = "gelu_fast", ["layer_norm_eps"] = 1e-6, ["qkv_bias"] = false, ["id2label"] = Labels(7),
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

    public static IEnumerable<object[]> BinConfigs() =>
        Configs().SelectMany(c => new[] { "state_dict", "packed" }.Select(layout => new[] { c[0], c[1], layout }));

    /// <summary>
    /// The same weights as model.safetensors and as pytorch_model.bin (torch.save of the state dict; "packed": of the
    /// same tensors as strided views at offsets in one storage): the .bin import must give exactly the safetensors
    /// import's logits, and PyTorch's within the suite's tolerance. With both files there, safetensors is read and the
    /// .bin not even opened.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(BinConfigs))]
    public void Pytorch_bin_imports_to_the_same_logits_as_safetensors(string name, Dictionary<string, object> config, string layout)
    {
        PythonReference.RequirePython();
        var dir = Path.Combine(Path.GetTempPath(), "vt-hf-bin-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var scope = NewDisposeScope();
            manual_seed(6);
            var frames = Convert.ToInt64(config["num_frames"]);
            var x = randn(new long[] { 2, frames, 3, 32, 32 });
            var expected = python.Run("hf_checkpoint", new Dictionary<string, Tensor> { ["x"] = x },
                new { config, dir, seed = name.Length, weights = new[] { "safetensors", "bin" }, bin_layout = layout })["logits"];
            var safetensors = Path.Combine(dir, "model.safetensors");
            var bin = Path.Combine(dir, "pytorch_model.bin");
            using var _ = no_grad();

            var fromSafetensors = HfImport.Load(dir);
            using (fromSafetensors.Model)
            {
                fromSafetensors.WeightsPath.Should().Be(safetensors);
                var reference = fromSafetensors.Model.forward(x);

                File.Move(bin, bin + ".keep");
                File.WriteAllBytes(bin, Enumerable.Repeat((byte)0x5a, 1000).ToArray());
                using (var again = HfImport.Load(dir).Model)
                    TensorAssert.Equal(again.forward(x), reference, "safetensors beside a damaged .bin");
                File.Move(bin + ".keep", bin, overwrite: true);

                File.Delete(safetensors);
                var fromBin = HfImport.Load(dir);
                using var model = fromBin.Model;
                fromBin.WeightsPath.Should().Be(bin);
                fromBin.Labels.Should().Equal(fromSafetensors.Labels);
                var logits = model.forward(x);
                TensorAssert.Equal(logits, reference, $"{name} ({layout}): .bin vs safetensors");
                TensorAssert.Close(logits, expected, 1e-5, 1e-5, $"{name} ({layout}): .bin vs PyTorch");
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [SkippableFact]
    public void A_legacy_format_bin_written_by_PyTorch_is_refused_as_not_supported()
    {
        PythonReference.RequirePython();
        var dir = Path.Combine(Path.GetTempPath(), "vt-hf-legacy-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = (Dictionary<string, object>)Configs().First()[1];
            using (var scope = NewDisposeScope())
                python.Run("hf_checkpoint", new Dictionary<string, Tensor> { ["x"] = randn(new long[] { 1, 4, 3, 32, 32 }) }, new { config, dir, weights = new[] { "legacy_bin" } });
            var act = () => HfImport.Load(dir);
            act.Should().Throw<NotSupportedException>().WithMessage($"*{Path.Combine(dir, "pytorch_model.bin")}*legacy torch.save format*");
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
            File.WriteAllText(Path.Combine(dir, "config.json"), """{"model_type": "vivit"}""");
            var noWeights = () => HfImport.Load(dir);
            noWeights.Should().Throw<FileNotFoundException>().WithMessage("*neither model.safetensors nor pytorch_model.bin*");
            File.WriteAllText(Path.Combine(dir, "pytorch_model.bin.index.json"), "{}");
            noWeights.Should().Throw<FileNotFoundException>().WithMessage("*sharded*");
            File.Delete(Path.Combine(dir, "pytorch_model.bin.index.json"));
            File.WriteAllText(Path.Combine(dir, "model.safetensors"), "");
            foreach (var (json, says) in new[]
            {
                ("{\"model_type\": \"vivit\",", "cannot be read"),
                ("[1, 2]", "not a JSON object"),
                ("""{"model_type": "vivit", "image_size": "big", "hidden_size": 32.5}""", "cannot be read"),
                ("""{"model_type": "vivit", "tubelet_size": [2]}""", "cannot be read"),
                ("""{"model_type": "vivit", "id2label": {"0": "a", "2": "b"}}""", "id2label must number its classes 0 to 1"),
                ("""{"model_type": "vivit", "id2label": {"zero": "a"}}""", "cannot be read"),
                ("""{"model_type": "bert"}""", "model_type 'bert'"),
            })
            {
                File.WriteAllText(Path.Combine(dir, "config.json"), json);
                var bad = () => HfImport.Load(dir);
                var e = bad.Should().Throw<Exception>().Which;
                e.Should().Match(x => x is InvalidDataException || x is NotSupportedException, json);
                e.Message.Should().Contain(Path.Combine(dir, "config.json"), json).And.Contain(says, json);
            }
        }
        finally { Directory.Delete(dir, true); }
    }
}
