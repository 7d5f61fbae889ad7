using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using VideoTransformers.Interop;
using VideoTransformers.TestSupport;
using VideoTransformers.Training.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace VideoTransformers.Cli.Tests;

/// <summary>
/// <c>vt import-hf</c> on a small Hugging Face ViViT folder written by the PyTorch reference (tests/python/cases_hf.py,
/// HF's parameter names, weights as pytorch_model.bin), then eval and predict on the converted checkpoint.
/// </summary>
public class ImportHfTests
{
    // Kinetics-like names, so that a name in predict's output can only have come from config.json's id2label.
    private static readonly string[] HfNames = ["abseiling", "air drumming", "answering questions", "applauding", "applying cream", "archery", "arm wrestling", "arranging flowers"];

    private static (int code, string stdout, string stderr) Vt(params string[] args) => VtProcess.Run(args);

    [SkippableFact]
    public void Import_hf_converts_a_pytorch_bin_folder_that_eval_and_predict_then_use_with_the_HF_class_names()
    {
        PythonReference.RequirePython();
        var root = Directory.CreateTempSubdirectory("vt-cli-importhf").FullName;
        try
        {
            var hf = Path.Combine(root, "hf");
            var outDir = Path.Combine(root, "out");
            // The synthetic set's clips (16 grey 32x32 frames, 8 classes), so that vt eval can run on it.
            var config = new Dictionary<string, object>
            {
                ["model_type"] = "vivit", ["image_size"] = 32, ["num_frames"] = 16, ["tubelet_size"] = new[] { 2, 16, 16 }, ["num_channels"] = 1,
                ["hidden_size"] = 32, ["num_hidden_layers"] = 1, ["num_attention_heads"] = 4, ["intermediate_size"] = 64,
                ["hidden_act"] = "gelu_fast", ["layer_norm_eps"] = 1e-6, ["qkv_bias"] = true,
                ["id2label"] = HfNames.Select((n, i) => (n, i)).ToDictionary(p => p.i.ToString(), p => p.n),
            };
            using var scope = NewDisposeScope();
            manual_seed(3);
            var x = randn(new long[] { 2, 16, 1, 32, 32 });
            Tensor expected;
            using (var python = new PythonReference())
                expected = python.Run("hf_checkpoint", new Dictionary<string, Tensor> { ["x"] = x }, new { config, dir = hf, seed = 3, weights = new[] { "bin" } })["logits"];

            var (code, stdout, stderr) = Vt("import-hf", hf, "--out", outDir);
            code.Should().Be(0, stderr);
            var checkpoint = Path.Combine(outDir, "imported.safetensors");
            using (var summary = JsonDocument.Parse(stdout))
            {
                summary.RootElement.GetProperty("checkpoint").GetString().Should().Be(checkpoint);
                summary.RootElement.GetProperty("model").GetString().Should().Be("vivit");
                summary.RootElement.GetProperty("weights").GetString().Should().Be(Path.Combine(hf, "pytorch_model.bin"));
                summary.RootElement.GetProperty("classes").GetInt32().Should().Be(HfNames.Length);
            }
            JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(outDir, "classes.json"))).Should().Equal(HfNames);

            // What eval and predict load (the spec from imported.json, the weights) computes what PyTorch computed.
            using (var model = Checkpoint.LoadModel(checkpoint))
            using (no_grad())
                TensorAssert.Close(model.forward(x), expected, 1e-5, 1e-5, "converted checkpoint vs PyTorch");

            (code, stdout, stderr) = Vt("eval", "--checkpoint", checkpoint, "--dataset", "synthetic");
            code.Should().Be(0, stderr);
            using (var eval = JsonDocument.Parse(stdout))
                eval.RootElement.GetProperty("test_accuracy").GetDouble().Should().BeInRange(0, 1);

            var clip = SharedData.Require("kth/person01_boxing_d2_uncomp.mp4");
            (code, stdout, stderr) = Vt("predict", "--checkpoint", checkpoint, clip);
            code.Should().Be(0, stderr);
            using var pred = JsonDocument.Parse(stdout);
            var top = pred.RootElement.GetProperty("top5").EnumerateArray().ToList();
            top.Should().HaveCount(5);
            foreach (var t in top)
                t.GetProperty("class").GetString().Should().Be(HfNames[t.GetProperty("index").GetInt32()]);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void Import_hf_on_a_bad_folder_exits_1_with_a_clear_error_and_no_stack_trace()
    {
        var root = Directory.CreateTempSubdirectory("vt-cli-importhf-bad").FullName;
        try
        {
            var outDir = Path.Combine(root, "out");
            var missing = Path.Combine(root, "missing");
            Check(missing, missing, "does not exist");

            var empty = Directory.CreateDirectory(Path.Combine(root, "empty")).FullName;
            Check(empty, "config.json");

            var badJson = Directory.CreateDirectory(Path.Combine(root, "bad-json")).FullName;
            File.WriteAllText(Path.Combine(badJson, "config.json"), "{\"model_type\": \"vivit\", ");
            File.WriteAllText(Path.Combine(badJson, "model.safetensors"), "");
            Check(badJson, Path.Combine(badJson, "config.json"), "cannot be read");

            var noWeights = Directory.CreateDirectory(Path.Combine(root, "no-weights")).FullName;
            File.WriteAllText(Path.Combine(noWeights, "config.json"), "{\"model_type\": \"vivit\"}");
            Check(noWeights, "neither model.safetensors nor pytorch_model.bin");

            var random = Directory.CreateDirectory(Path.Combine(root, "random-bin")).FullName;
            File.WriteAllText(Path.Combine(random, "config.json"), "{\"model_type\": \"vivit\"}");
            var bytes = new byte[4096];
            new Random(4).NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(random, "pytorch_model.bin"), bytes);
            Check(random, Path.Combine(random, "pytorch_model.bin"), "not a PyTorch checkpoint");

            // A zip-format .bin whose pickle calls os.system: refused, and nothing runs.
            var evil = Directory.CreateDirectory(Path.Combine(root, "evil-bin")).FullName;
            File.WriteAllText(Path.Combine(evil, "config.json"), "{\"model_type\": \"vivit\"}");
            var marker = Path.Combine(root, "pwned");
            using (var zip = ZipFile.Open(Path.Combine(evil, "pytorch_model.bin"), ZipArchiveMode.Create))
            using (var pkl = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open())
            {
                var command = Encoding.UTF8.GetBytes("touch " + marker);
                pkl.Write([0x80, 0x02, .. "cos\nsystem\n"u8, (byte)'X', .. BitConverter.GetBytes(command.Length), .. command, 0x85, (byte)'R', (byte)'.']);
            }
            Check(evil, Path.Combine(evil, "pytorch_model.bin"), "os.system", "not on the allow-list");
            File.Exists(marker).Should().BeFalse();

            void Check(string folder, params string[] says)
            {
                var (code, stdout, stderr) = Vt("import-hf", folder, "--out", outDir);
                code.Should().Be(1, stderr);
                stderr.Should().StartWith("error: ");
                foreach (var s in says) stderr.Should().Contain(s);
                stderr.Should().NotContain("   at ").And.NotContain("Unhandled exception");
                stdout.Should().BeEmpty();
                Directory.Exists(outDir).Should().BeFalse("nothing is written when the import fails");
            }
        }
        finally { Directory.Delete(root, true); }
    }
}
