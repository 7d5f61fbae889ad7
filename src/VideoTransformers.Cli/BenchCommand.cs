using System.Diagnostics;
using System.Text.Json;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using VideoTransformers.Training.Distributed;
using VideoTransformers.Zoo;
using static TorchSharp.torch;

namespace VideoTransformers.Cli;

/// <summary><c>vt bench</c>: times training or inference steps of a preset on synthetic input and prints one JSON line.</summary>
public static class BenchCommand
{
    /// <summary>The text of <c>vt bench --help</c>.</summary>
    public const string Usage = """
        vt bench --preset NAME | --spec FILE.json [--mode train|infer] [--batch-size N] [--steps N] [--warmup N] [--threads N]
                 [--precision fp32|bf16]
        mpiexec -n N vt bench --preset NAME [--batch-size GLOBAL] ...     data-parallel training steps
        mpiexec -n N vt bench --mode allreduce [--megabytes MB] ...        all-reduce of one float32 gradient bucket
          Times steps of a model preset on random input (no data needed) and prints one JSON line:
          {"preset", "mode", "batch_size", "ms_per_step" (median), "clips_per_second", "peak_rss_mb", ...}.
          Under mpiexec --batch-size is the global batch, split over the ranks, gradients are averaged as in vt train,
          and rank 0 prints the line with world_size; --mode allreduce times ProcessGroup.all_reduce_ of a buffer of
          --megabytes (default 25, the gradient bucket size) and reports ms and GB/s.
          --threads N sets libtorch's intra-op pool, which also runs the matrix products (MKL); "threads" in the output is
          the size in effect (libtorch's default when --threads is not given).
          --precision bf16 (with --mode infer) times inference with bfloat16 weights and inputs; "precision" in the output
          says which ran. Training is float32 only.
          Presets: frame-vit-kth, vivit-organmnist3d, timesformer-ucf101, actionbert-ucf101 (and the others of `vt models`).
        """;

    /// <summary>Runs <c>vt bench</c>; returns the exit code.</summary>
    public static int Run(Args a)
    {
        var mode = a.Choice("mode", "train", "infer", "allreduce") ?? "train";
        var steps = a.Int("steps", 10, 1);
        var warmup = a.Int("warmup", 2, 0);
        Threads.Apply(a);
        using var group = ProcessGroup.IsLaunchedByMpi ? ProcessGroup.Init() : null;
        var json = mode == "allreduce"
            ? AllReduce(group ?? throw new UsageException("--mode allreduce times MPI: run it under mpiexec (e.g. mpiexec -n 2 vt bench --mode allreduce)."),
                a.Double("megabytes") ?? 25, steps, warmup)
            : Steps(a, mode, steps, warmup, group);
        if (group is not null) json["world_size"] = group.WorldSize;
        if (group?.IsMain ?? true) Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    private static Dictionary<string, object> Steps(Args a, string mode, int steps, int warmup, ProcessGroup? group)
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
        var batch = a.Int("batch-size", 8, 1);
        var precision = Commands.Precision(a);
        if (precision != InferencePrecision.Float32 && mode != "infer")
            throw new UsageException($"--precision {precision.Name()} is for --mode infer: training keeps float32 weights (TorchSharp 0.107 has no autocast).");
        if (group is not null && mode != "train") throw new UsageException("Under mpiexec vt bench times data-parallel training (--mode train) or --mode allreduce.");
        manual_seed(0);
        using var model = make().Build();
        var ddp = group is null ? null : new DistributedDataParallel(model, group);
        ddp?.BroadcastState();
        var local = group is null ? batch : ShardedBatchSource.SliceOf(batch, group.Rank, group.WorldSize).Count;
        if (precision != InferencePrecision.Float32) model.ForInference(precision);
        var result = Measure(model, mode, local, steps, warmup, ddp is null ? null : () => ddp.AllReduceGradients((double)local / batch));
        var json = new Dictionary<string, object>
        {
            ["preset"] = preset, ["mode"] = mode, ["batch_size"] = batch, ["steps"] = steps,
            ["ms_per_step"] = Math.Round(result.median, 3), ["ms_min"] = Math.Round(result.min, 3),
            ["clips_per_second"] = Math.Round(batch * 1000.0 / result.median, 2), ["peak_rss_mb"] = Math.Round(Rss.PeakMb(), 1),
            ["threads"] = get_num_threads(), ["precision"] = precision.Name(), ["parameters"] = model.parameter_count(),
            ["gflop_per_step"] = Math.Round(model.FlopsPerClip * batch * (mode == "train" ? 3.0 : 1.0) / 1e9, 3),
        };
        json["achieved_gflops"] = Math.Round((double)json["gflop_per_step"] / (result.median / 1000.0), 2);
        return json;
    }

    // Times ProcessGroup.all_reduce_ of one float32 buffer, in place: what one gradient bucket costs.
    private static Dictionary<string, object> AllReduce(ProcessGroup group, double megabytes, int steps, int warmup)
    {
        if (!(megabytes > 0)) throw new UsageException("--megabytes must be positive.");
        var elements = (long)(megabytes * 1024 * 1024 / sizeof(float));
        using var buffer = ones(elements);
        var times = new List<double>();
        for (var i = 0; i < warmup + steps; i++)
        {
            group.barrier();
            var sw = Stopwatch.StartNew();
            group.all_reduce_(buffer);
            if (i >= warmup) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        var median = times[times.Count / 2];
        var bytes = elements * sizeof(float);
        return new Dictionary<string, object>
        {
            ["mode"] = "allreduce", ["bytes"] = bytes, ["steps"] = steps, ["ms_median"] = Math.Round(median, 3), ["ms_min"] = Math.Round(times[0], 3),
            // Bytes of the buffer over the time (algorithm bandwidth); for 2 ranks it equals the bus bandwidth 2(n-1)/n × that.
            ["gb_per_second"] = Math.Round(bytes / (median / 1000.0) / 1e9, 3), ["backend"] = group.Backend,
        };
    }

    /// <summary>
    /// Median and minimum milliseconds per step (training: forward, backward, <paramref name="afterBackward"/> (the
    /// gradient all-reduce of a data-parallel run), Adam step; inference: inference-mode forward).
    /// </summary>
    public static (double median, double min) Measure(VideoClassifier model, string mode, int batch, int steps, int warmup, Action? afterBackward = null)
    {
        using var inputs = NewDisposeScope();
        var x = model.MatchInput(randn(new[] { (long)batch }.Concat(model.SampleShape).ToArray()));
        var y = randint(model.NumClasses, new long[] { batch });
        using var opt = optim.Adam(model.parameters(), lr: 1e-4);
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
                    afterBackward?.Invoke();
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
