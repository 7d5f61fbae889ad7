using System.Diagnostics;
using System.Text.Json;
using FluentAssertions;
using VideoTransformers.Models;
using VideoTransformers.Training.Checkpoints;
using VideoTransformers.Zoo;
using VideoTransformers.TestSupport;
using Xunit;

namespace VideoTransformers.Cli.Tests;

/// <summary>The vt command line, run as a separate process exactly as a user runs it.</summary>
public class CliTests
{
    private static (int code, string stdout, string stderr) Vt(params string[] args) => VtProcess.Run(args);

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("predict")]
    [InlineData("bench")]
    [InlineData("models")]
    [InlineData("demo")]
    [InlineData("info")]
    [InlineData("import-hf")]
    [InlineData("report")]
    public void Help_works_on_every_command(string command)
    {
        var (code, stdout, _) = Vt(command, "--help");
        code.Should().Be(0);
        stdout.Should().Contain("vt " + command);
    }

    [Theory]
    [InlineData("error: Unknown command 'fly'", "fly")]
    [InlineData("Unknown option --epoch", "train", "--epoch", "3")]
    [InlineData("--epochs must be an integer", "train", "--model", "frame-vit", "--dataset", "synthetic", "--epochs", "three", "--out", "/tmp/x")]
    [InlineData("--dataset must be one of", "train", "--model", "frame-vit", "--dataset", "imagenet", "--out", "/tmp/x")]
    [InlineData("--model must be one of", "train", "--model", "resnet", "--dataset", "synthetic", "--out", "/tmp/x")]
    [InlineData("--out is required", "train", "--model", "vivit", "--dataset", "synthetic")]
    [InlineData("--variant must be one of joint|factorised-encoder|factorised-self-attention|factorised-dot-product|shifted-window for vivit, got 'diagonal'",
        "train", "--model", "vivit", "--variant", "diagonal", "--dataset", "synthetic", "--out", "/tmp/x")]
    [InlineData("--variant: frame-vit has no attention variants", "train", "--model", "frame-vit", "--variant", "joint", "--dataset", "synthetic", "--out", "/tmp/x")]
    [InlineData("--batch-size needs a value", "bench", "--preset", "frame-vit-kth", "--batch-size")]
    [InlineData("Unknown preset 'nope'", "bench", "--preset", "nope")]
    [InlineData("--mode must be one of train|infer", "bench", "--preset", "frame-vit-kth", "--mode", "fast")]
    [InlineData("--precision bf16 is for --mode infer", "bench", "--preset", "frame-vit-kth", "--mode", "train", "--precision", "bf16")]
    [InlineData("--precision must be one of fp32|bf16", "bench", "--preset", "frame-vit-kth", "--mode", "infer", "--precision", "fp16")]
    [InlineData("--precision must be one of fp32|bf16", "eval", "--checkpoint", "x.safetensors", "--dataset", "synthetic", "--precision", "half")]
    [InlineData("--crops must be 1 or 3", "eval", "--checkpoint", "x.safetensors", "--dataset", "synthetic", "--crops", "2")]
    [InlineData("--subset must be one of test|val", "eval", "--checkpoint", "x.safetensors", "--dataset", "synthetic", "--subset", "train")]
    [InlineData("Expected 1 argument", "predict", "--checkpoint", "x.safetensors")]
    [InlineData("Expected 1 argument", "import-hf", "--out", "/tmp/x")]
    [InlineData("--out is required", "import-hf", "/tmp/some-hf-folder")]
    [InlineData("Unknown device 'gpu'", "train", "--model", "vivit", "--dataset", "synthetic", "--device", "gpu", "--out", "/tmp/x")]
    [InlineData("--nodes/--rank/--master went away with the c10d/Gloo backend; data-parallel training now runs over MPI. Launch one process per rank with mpiexec",
        "train", "--model", "vivit", "--dataset", "synthetic", "--nodes", "2", "--rank", "0", "--master", "127.0.0.1:29500", "--out", "/tmp/x")]
    [InlineData("--master: --nodes/--rank/--master went away", "train", "--model", "vivit", "--dataset", "synthetic", "--master", "h:1", "--out", "/tmp/x")]
    public void Bad_arguments_exit_with_code_2_and_say_why(string message, params string[] args)
    {
        var (code, _, stderr) = Vt(args);
        code.Should().Be(2, stderr);
        stderr.Should().Contain(message);
    }

    [Fact]
    public void A_bad_config_file_exits_with_code_2_and_names_the_key_without_a_stack_trace()
    {
        var dir = Directory.CreateTempSubdirectory("vt-badconfig").FullName;
        try
        {
            var config = Path.Combine(dir, "bad.yaml");
            File.WriteAllText(config, "model_name: vivit\nnum_epochs: 1\nwarmup_epochs: 3\n");
            var (code, _, stderr) = Vt("train", "--config", config, "--dataset", "synthetic", "--out", Path.Combine(dir, "run"));
            code.Should().Be(2, stderr);
            stderr.Should().Contain("warmup_epochs").And.Contain("bad.yaml").And.NotContain("Unhandled exception").And.NotContain("   at ");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Help_and_models_list_every_registered_family_and_variant()
    {
        var (code, help, _) = Vt("train", "--help");
        code.Should().Be(0);
        var (code2, models, stderr) = Vt("models");
        code2.Should().Be(0, stderr);
        var (code3, json, stderr3) = Vt("models", "--json");
        code3.Should().Be(0, stderr3);
        using var doc = JsonDocument.Parse(json);
        var families = doc.RootElement.GetProperty("families").EnumerateArray().ToList();
        families.Select(f => f.GetProperty("name").GetString()).Should().Equal(ModelRegistry.FamilyNames);
        help.Should().Contain("--model " + string.Join("|", ModelRegistry.FamilyNames));
        foreach (var family in ModelRegistry.Families)
        {
            var listed = families.Single(f => f.GetProperty("name").GetString() == family.Name).GetProperty("variants").EnumerateArray()
                .Select(v => (v.GetProperty("name").GetString(), v.GetProperty("description").GetString())).ToList();
            listed.Should().Equal(family.Variants.Select(v => ((string?)v.Name, (string?)v.Description)));
            if (family.Variants.Count > 0) help.Should().Contain($"{family.Name}: {string.Join(", ", family.Variants.Select(v => v.Name))}");
            foreach (var v in family.Variants) models.Should().Contain(v.Name).And.Contain(v.Description);
        }
        models.Should().Contain("shifted-window [swin]").And.Contain("vivit-small-swin");
    }

    [Fact]
    public void A_new_variant_trains_for_one_epoch_through_vt_train()
    {
        var dir = Path.Combine(Path.GetTempPath(), "vt-cli-swin-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, stdout, stderr) = Vt("train", "--model", "vivit", "--variant", "shifted-window", "--dataset", "synthetic", "--epochs", "1",
                "--batch-size", "32", "--seed", "5", "--threads", "2", "--out", dir, "--quiet");
            code.Should().Be(0, stderr);
            using (var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json"))))
            {
                var r = results.RootElement;
                (r.GetProperty("model").GetString(), r.GetProperty("variant").GetString(), r.GetProperty("epochs").GetInt32()).Should().Be(("vivit", "ShiftedWindow", 1));
                r.GetProperty("test_accuracy").GetDouble().Should().BeInRange(0, 1);
                r.GetProperty("flops_per_clip").GetInt64().Should().BePositive();
            }
            var spec = CheckpointInfo.Load(Path.Combine(dir, "best.json")).Model!;
            spec.ViViT!.Variant.Should().BeSameAs(ViViTShiftedWindow.Instance);
            spec.ViViT.Pooling.Should().Be(VideoTransformers.Blocks.Pooling.Mean);
            File.Exists(Path.Combine(dir, "attention.png")).Should().BeTrue("the variant registers how its attention map is read");
            File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Should().HaveCount(2, "a header and one epoch");
            (code, stdout, stderr) = Vt("eval", "--checkpoint", Path.Combine(dir, "best.safetensors"), "--dataset", "synthetic");
            code.Should().Be(0, stderr);
            using var eval = JsonDocument.Parse(stdout);
            eval.RootElement.GetProperty("test_accuracy").GetDouble().Should().BeInRange(0, 1);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void No_arguments_prints_usage_and_exits_2()
    {
        var (code, stdout, _) = Vt();
        code.Should().Be(2);
        stdout.Should().Contain("Commands:");
    }

    [Fact]
    public void Bench_prints_one_json_line()
    {
        var (code, stdout, stderr) = Vt("bench", "--preset", "vivit-organmnist3d", "--mode", "infer", "--batch-size", "2", "--steps", "2", "--threads", "1");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var r = doc.RootElement;
        r.GetProperty("preset").GetString().Should().Be("vivit-organmnist3d");
        r.GetProperty("ms_per_step").GetDouble().Should().BePositive();
        r.GetProperty("clips_per_second").GetDouble().Should().BePositive();
        r.GetProperty("peak_rss_mb").GetDouble().Should().BePositive();
        r.GetProperty("precision").GetString().Should().Be("fp32");
    }

    [Fact]
    public void Bench_runs_inference_in_bfloat16_when_asked()
    {
        var (code, stdout, stderr) = Vt("bench", "--preset", "vivit-organmnist3d", "--mode", "infer", "--batch-size", "2", "--steps", "2", "--threads", "1", "--precision", "bf16");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        doc.RootElement.GetProperty("precision").GetString().Should().Be("bf16");
        doc.RootElement.GetProperty("ms_per_step").GetDouble().Should().BePositive();
    }

    [SkippableFact]
    public void Train_then_eval_then_predict_on_real_video()
    {
        var clip = SharedData.Require("kth/person01_boxing_d2_uncomp.mp4");
        var dir = Path.Combine(Path.GetTempPath(), "vt-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, stdout, stderr) = Vt("train", "--model", "frame-vit", "--dataset", "synthetic", "--epochs", "1", "--batch-size", "16",
                "--seed", "3", "--out", dir, "--quiet");
            code.Should().Be(0, stderr);
            using (var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json"))))
            {
                var r = results.RootElement;
                foreach (var key in new[] { "model", "dataset", "epochs", "train_seconds", "parameters", "test_accuracy", "test_top5_accuracy" })
                    r.TryGetProperty(key, out _).Should().BeTrue($"results.json needs '{key}'");
                r.GetProperty("model").GetString().Should().Be("frame-vit");
                r.GetProperty("epochs").GetInt32().Should().Be(1);
            }
            foreach (var f in new[] { "metrics.csv", "best.safetensors", "best.json", "learning_curves.svg", "confusion_matrix.svg", "attention.png", "classes.json" })
                File.Exists(Path.Combine(dir, f)).Should().BeTrue($"the run folder should hold {f}");
            foreach (var f in new[] { "learning_curves.svg", "confusion_matrix.svg" })
                System.Xml.Linq.XDocument.Load(Path.Combine(dir, f)).Root!.Name.LocalName.Should().Be("svg", f);
            File.ReadAllBytes(Path.Combine(dir, "attention.png")).Take(8).Should().Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
            Directory.GetFiles(dir, "events.out.tfevents.*").Should().NotBeEmpty();

            var ckpt = Path.Combine(dir, "best.safetensors");
            (code, stdout, stderr) = Vt("eval", "--checkpoint", ckpt, "--dataset", "synthetic");
            code.Should().Be(0, stderr);
            double fp32Accuracy;
            using (var eval = JsonDocument.Parse(stdout))
                fp32Accuracy = eval.RootElement.GetProperty("test_accuracy").GetDouble();
            fp32Accuracy.Should().BeInRange(0, 1);

            // bfloat16 inference of the same checkpoint: the demo's accuracy must hold.
            (code, stdout, stderr) = Vt("eval", "--checkpoint", ckpt, "--dataset", "synthetic", "--precision", "bf16");
            code.Should().Be(0, stderr);
            using (var eval = JsonDocument.Parse(stdout))
                eval.RootElement.GetProperty("test_accuracy").GetDouble().Should().BeApproximately(fp32Accuracy, 0.02);

            // On the validation split the best checkpoint must reproduce the validation accuracy the run selected it by.
            (code, stdout, stderr) = Vt("eval", "--checkpoint", ckpt, "--dataset", "synthetic", "--subset", "val");
            code.Should().Be(0, stderr);
            using (var eval = JsonDocument.Parse(stdout))
            using (var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json"))))
            {
                eval.RootElement.TryGetProperty("test_accuracy", out _).Should().BeFalse("--subset val reports val_* keys only");
                eval.RootElement.GetProperty("val_accuracy").GetDouble().Should().BeApproximately(results.RootElement.GetProperty("val_accuracy").GetDouble(), 1e-9);
                eval.RootElement.GetProperty("val_loss").GetDouble().Should().BeApproximately(results.RootElement.GetProperty("val_loss").GetDouble(), 1e-6);
                eval.RootElement.GetProperty("val_confusion").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt64()))
                    .Should().Be(eval.RootElement.GetProperty("videos").GetInt64());
            }

            (code, stdout, stderr) = Vt("predict", "--checkpoint", ckpt, clip);
            code.Should().Be(0, stderr);
            using var pred = JsonDocument.Parse(stdout);
            var top = pred.RootElement.GetProperty("top5").EnumerateArray().ToList();
            top.Should().HaveCount(5);
            top.Sum(t => t.GetProperty("probability").GetDouble()).Should().BeLessThanOrEqualTo(1.0001);
            top.Select(t => t.GetProperty("probability").GetDouble()).Should().BeInDescendingOrder();

            (code, stdout, stderr) = Vt("predict", "--checkpoint", ckpt, "--precision", "bf16", clip);
            code.Should().Be(0, stderr);
            using var predBf16 = JsonDocument.Parse(stdout);
            var topBf16 = predBf16.RootElement.GetProperty("top5").EnumerateArray().ToList();
            topBf16[0].GetProperty("probability").GetDouble().Should().BeApproximately(top[0].GetProperty("probability").GetDouble(), 0.02);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [SkippableFact]
    public void Kth_subsequences_make_one_sample_per_listed_subsequence()
    {
        var kth = SharedData.Require("kth");
        var dir = Path.Combine(Path.GetTempPath(), "vt-cli-kthsub-" + Guid.NewGuid().ToString("N"));
        try
        {
            // 00sequences.txt lists 4 subsequences for each of the 6 shared clips: 5 train videos (persons 1, 3) and 1 test video (person 4).
            var (code, _, stderr) = Vt("train", "--model", "vivit", "--variant", "joint", "--dataset", "kth", "--data", kth, "--split", "custom:1,3//4",
                "--subsequences", "--epochs", "1", "--batch-size", "4", "--out", dir, "--quiet");
            code.Should().Be(0, stderr);
            using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
            results.RootElement.GetProperty("test_confusion").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt64())).Should().Be(4);
            File.ReadAllLines(Path.Combine(dir, "metrics.csv"))[1].Split(',')[1].Should().Be("5", "20 training samples in batches of 4 are 5 steps");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [SkippableFact]
    public void Multi_view_evaluation_on_real_kth_clips_sees_different_views()
    {
        var kth = SharedData.Require("kth");
        var dir = Path.Combine(Path.GetTempPath(), "vt-cli-kth-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Persons 1 and 3 train, person 4 tests: the only persons in the shared folder.
            var (code, _, stderr) = Vt("train", "--model", "frame-vit", "--dataset", "kth", "--data", kth, "--split", "custom:1,3//4",
                "--epochs", "1", "--batch-size", "4", "--out", dir, "--quiet");
            code.Should().Be(0, stderr);
            using (var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json"))))
                results.RootElement.GetProperty("test_per_class_accuracy").EnumerateArray()
                    .Should().Contain(e => e.ValueKind == JsonValueKind.Null, "classes without test clips have no accuracy (null, not NaN)");
            double Loss(params string[] views)
            {
                var (c, o, e) = Vt(new[] { "eval", "--checkpoint", Path.Combine(dir, "best.safetensors"), "--dataset", "kth", "--data", kth, "--split", "custom:1,3//4" }.Concat(views).ToArray());
                c.Should().Be(0, e);
                using var doc = JsonDocument.Parse(o);
                return doc.RootElement.GetProperty("test_loss").GetDouble();
            }
            var single = Loss();
            var multi = Loss("--clips", "2", "--crops", "3");
            multi.Should().NotBe(single, "six different views averaged must differ from the single central view");
            var (code2, _, err2) = Vt("eval", "--checkpoint", Path.Combine(dir, "best.safetensors"), "--dataset", "synthetic", "--clips", "2");
            code2.Should().Be(2);
            err2.Should().Contain("--clips/--crops need videos longer and wider");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Missing_native_libraries_name_the_library_the_paths_and_what_to_install()
    {
        var dir = Directory.CreateTempSubdirectory("vt-nonative").FullName;
        try
        {
            // vt's managed files without TorchSharp's native folders (runtimes/RID/native: libLibTorchSharp.so and libtorch).
            foreach (var f in Directory.GetFiles(AppContext.BaseDirectory).Where(f => !f.EndsWith(".so", StringComparison.Ordinal)))
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(dir, "vt.dll"));
            psi.ArgumentList.Add("bench");
            psi.ArgumentList.Add("--preset");
            psi.ArgumentList.Add("vivit-organmnist3d");
            // As on a machine without the SDK's package cache: TorchSharp would otherwise copy libtorch out of it (and load it where
            // the system libstdc++ is new enough), so the run would not show what a deployed vt without its native folder does.
            psi.Environment["NUGET_PACKAGES"] = Path.Combine(dir, "no-package-cache");
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit(60_000).Should().BeTrue();
            p.ExitCode.Should().Be(1, stderr);
            stderr.Should().Contain("libLibTorchSharp.so").And.Contain("Searched:").And.Contain(dir)
                .And.Contain("TorchSharp-cpu").And.Contain("TorchSharp-cuda-linux")
                .And.NotContain("Unhandled exception").And.NotContain("   at ");
            (await stdout).Should().BeEmpty("TorchSharp's probing trace must not reach stdout, where vt prints its JSON");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Device_cuda_without_a_CUDA_backend_exits_2_and_names_the_CUDA_packages()
    {
        // vt is built with TorchSharp-cpu, whose libtorch has no CUDA, so --device cuda must be refused before training.
        var dir = Path.Combine(Path.GetTempPath(), "vt-cuda-" + Guid.NewGuid().ToString("N"));
        var (code, stdout, stderr) = Vt("train", "--model", "vivit", "--dataset", "synthetic", "--epochs", "1", "--device", "cuda", "--out", dir);
        code.Should().Be(2, stderr);
        stderr.Should().Contain("error: --device cuda: this vt is built with TorchSharp-cpu")
            .And.Contain("TorchSharp-cuda-linux").And.Contain("TorchSharp-cuda-windows").And.NotContain("   at ");
        stdout.Should().BeEmpty();
        Directory.Exists(dir).Should().BeFalse("nothing is written when the device is refused");
    }

    [Theory]
    [InlineData("bench", "--preset", "frame-vit-kth", "--blas-threads", "2")]
    [InlineData("train", "--model", "vivit", "--dataset", "synthetic", "--out", "/tmp/x", "--blas-threads=1")]
    [InlineData("eval", "--checkpoint", "x.safetensors", "--dataset", "synthetic", "--blas-threads", "1")]
    public void The_removed_blas_threads_option_says_why_it_went(params string[] args)
    {
        var (code, _, stderr) = Vt(args);
        code.Should().Be(2, stderr);
        stderr.Should().Contain("error: --blas-threads was removed").And.Contain("MKL").And.Contain("--threads N");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void Threads_below_one_are_a_usage_error_not_a_libtorch_abort(string threads)
    {
        // torch.set_num_threads(0) aborts the process inside libtorch: the value must be refused before it gets there.
        var (code, _, stderr) = Vt("bench", "--preset", "frame-vit-kth", "--threads", threads);
        code.Should().Be(2, stderr);
        stderr.Should().Contain($"--threads must be at least 1, got {threads}");
    }

    [Fact]
    public void Predict_on_a_missing_video_fails_with_the_file_name()
    {
        // A real, loadable checkpoint (weights and the .json beside them), so that predict gets past the model and
        // reaches the video: the error must then be the video's, not the checkpoint's.
        var dir = Directory.CreateTempSubdirectory("vt-cli-missing").FullName;
        try
        {
            var spec = new ModelSpec
            {
                Model = "frame-vit",
                FrameViT = new FrameViTConfig { ImageHeight = 32, ImageWidth = 32, Frames = 4, PatchSize = 16, TokenDim = 16, AttnDim = 16, Heads = 2, MlpDim = 32, Layers = 1, Classes = 3 },
            };
            var ckpt = Path.Combine(dir, "best.safetensors");
            using (var model = spec.Build())
                Checkpoint.Save(ckpt, model, null, new CheckpointState());
            new CheckpointInfo { Kind = "best", Tensors = "best.safetensors", Model = spec }.Save(Path.Combine(dir, "best.json"));
            var video = Path.Combine(dir, "no-such-video.avi");

            var (code, stdout, stderr) = Vt("predict", "--checkpoint", ckpt, video);
            code.Should().Be(1, stderr);
            stderr.Should().Contain(video);
            stderr.Should().NotContain("Checkpoint '", "the checkpoint loaded");
            stdout.Should().BeEmpty();
        }
        finally { Directory.Delete(dir, true); }
    }

    [SkippableFact]
    public void Info_prints_one_json_object_per_video_and_reports_bad_files_without_hiding_the_others()
    {
        var kth = SharedData.Require("kth/person01_handclapping_d1_uncomp.avi");
        var hmdb = SharedData.Require("hmdb51/RATRACE_wave_f_nm_np1_fr_goo_37.avi");
        var kinetics = SharedData.Require("kinetics/R6llTwEh07w.mp4");
        var missing = Path.Combine(Path.GetTempPath(), "vt-info-missing-" + Guid.NewGuid().ToString("N") + ".avi");
        var (code, stdout, stderr) = Vt("info", kth, missing, hmdb, kinetics);
        code.Should().Be(1, "one file is missing");
        stderr.Should().Contain(missing);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(3);
        var docs = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        docs.Select(d => d.GetProperty("file").GetString()).Should().Equal(kth, hmdb, kinetics);
        (docs[0].GetProperty("frames").GetInt32(), docs[0].GetProperty("fps").GetDouble(), docs[0].GetProperty("width").GetInt32(),
            docs[0].GetProperty("height").GetInt32(), docs[0].GetProperty("codec").GetString()).Should().Be((378, 25.0, 160, 120, "mpeg4"));
        // 73 packets, one of them a 1-byte "frame skipped" placeholder.
        docs[1].GetProperty("frames").GetInt32().Should().Be(72);
        (docs[2].GetProperty("frames").GetInt32(), docs[2].GetProperty("codec").GetString(), docs[2].GetProperty("width").GetInt32()).Should().Be((303, "h264", 340));

        (code, _, stderr) = Vt("info");
        code.Should().Be(2);
        stderr.Should().Contain("Expected at least one video");
    }
}
