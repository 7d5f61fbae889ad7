using System.Diagnostics;
using System.Text.Json;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using VideoTransformers.Zoo;
using static VideoTransformers.Torch.torch;

namespace VideoTransformers.Cli;

/// <summary><c>vt bench</c>: times training or inference steps of a preset on synthetic input and prints one JSON line.</summary>
public static class BenchCommand
{
    public const string Usage = """
        vt bench --preset NAME | --spec FILE.json [--mode train|infer] [--batch-size N] [--steps N] [--warmup N] [--threads N] [--blas-threads N]
          Times steps of a model preset on random input (no data needed) and prints one JSON line:
          {"preset", "mode", "batch_size", "ms_per_step" (median), "clips_per_second", "peak_rss_mb", ...}.
          Presets: frame-vit-kth, vivit-organmnist3d, timesformer-ucf101, actionbert-ucf101 (and the others of `vt models`).
        """;

    public static int Run(Args a)
    {
        string preset;
        Func<ModelSpec> make;
        if (a.Get("spec") is string specPath)
        {
            if (a.Has("preset")) throw new UsageException("Give either --preset or --spec, not both.");
            var text = File.Exists(specPath) ? File.ReadAllText(specPath) : throw new UsageException($"Spec file '{specPath}' does not exist.");
            var spec = ModelSpec.FromJson(text);
            (preset, make) = (Path.GetFileNameWithoutExtension(specPath), () => spec);
        }
        else
        {
            preset = a.Required("preset");
            if (!ModelZoo.Presets.TryGetValue(preset, out make!))
                throw new UsageException($"Unknown preset '{preset}'. Presets: {string.Join(", ", ModelZoo.Presets.Keys)}.");
        }
        var mode = a.Choice("mode", "train", "infer") ?? "train";
        var batch = a.Int("batch-size", 8, 1);
        var steps = a.Int("steps", 10, 1);
        var warmup = a.Int("warmup", 2, 0);
        Threads.Apply(a);
        manual_seed(0);
        using var model = make().Build();
        var result = Measure(model, mode, batch, steps, warmup);
        var json = new Dictionary<string, object>
        {
            ["preset"] = preset, ["mode"] = mode, ["batch_size"] = batch, ["steps"] = steps,
            ["ms_per_step"] = Math.Round(result.median, 3), ["ms_min"] = Math.Round(result.min, 3),
            ["clips_per_second"] = Math.Round(batch * 1000.0 / result.median, 2), ["peak_rss_mb"] = Math.Round(Rss.PeakMb(), 1),
            ["threads"] = get_num_threads(), ["blas_threads"] = get_blas_threads(), ["parameters"] = model.parameter_count(),
            ["gflop_per_step"] = Math.Round(model.FlopsPerClip * batch * (mode == "train" ? 3.0 : 1.0) / 1e9, 3),
        };
        json["achieved_gflops"] = Math.Round((double)json["gflop_per_step"] / (result.median / 1000.0), 2);
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    /// <summary>Median and minimum milliseconds per step (training: forward, backward, Adam step; inference: inference-mode forward).</summary>
    public static (double median, double min) Measure(VideoClassifier model, string mode, int batch, int steps, int warmup)
    {
        using var inputs = NewDisposeScope();
        var x = randn(new[] { (long)batch }.Concat(model.SampleShape).ToArray());
        var y = randint(model.NumClasses, new long[] { batch });
        using var opt = new optim.Adam(model.parameters(), lr: 1e-4);
        var times = new List<double>();
        if (mode == "train") model.train(); else model.eval();
        for (var i = 0; i < warmup + steps; i++)
        {
            var sw = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                if (mode == "train")
                {
                    var loss = nn.functional.cross_entropy(model.forward(x), y);
                    opt.zero_grad();
                    loss.backward();
                    opt.step();
                }
                else
                {
                    using var _ = inference_mode();
                    model.forward(x);
                }
            }
            if (i >= warmup) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[times.Count / 2], times[0]);
    }
}
