using System.Globalization;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Distributed;

namespace VideoTransformers.DistributedWorker;

/// <summary>The worker's command line; whether it is one rank of many comes from mpiexec's environment.</summary>
internal sealed record WorkerOptions
{
    public const string Usage =
        "usage: [mpiexec -n N] VideoTransformers.DistributedWorker --out DIR [--timeout-seconds S] [--epochs E] [--clips C]\n" +
        "       [--batch B] [--seed S] [--threads T] [--optimizer sgd|adamw] [--ema-decay D] [--kill-after-steps K] [--stop-after-steps K] [--mpi] [--broadcast-only]\n" +
        "--broadcast-only builds a CNN-LSTM (BatchNorm buffers) from a per-rank seed, broadcasts rank 0's state and saves it.\n" +
        "--kill-after-steps / --stop-after-steps send the process SIGKILL / SIGSTOP after K steps (the failure tests).\n" +
        "Started by mpiexec, every rank joins MPI's world; started alone it trains in a single process without MPI,\n" +
        "unless --mpi makes it join a world of one. Rank R writes into DIR/rank{R}.";

    public required string Out { get; init; }
    public TimeSpan? Timeout { get; init; }
    public int Epochs { get; init; } = 2;
    public int Clips { get; init; } = 21;
    public int Batch { get; init; } = 8;
    public int Seed { get; init; } = 7;
    public int Threads { get; init; } = 1;
    public double? EmaDecay { get; init; }
    public int? KillAfterSteps { get; init; }
    public int? StopAfterSteps { get; init; }
    public bool ForceMpi { get; init; }
    public bool BroadcastOnly { get; init; }
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>MPI is joined under mpiexec, or alone with --mpi.</summary>
    public bool UsesProcessGroup => ForceMpi || ProcessGroup.IsLaunchedByMpi;

    public static WorkerOptions Parse(string[] args)
    {
        var flags = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--mpi" or "--broadcast-only")
            {
                flags[args[i][2..]] = "true";
                continue;
            }
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"unexpected argument '{args[i]}' (every option but --mpi and --broadcast-only takes a value)");
            flags[args[i][2..]] = args[++i];
        }
        string? Get(string flag) => flags.GetValueOrDefault(flag);
        int Int(string flag, int fallback) =>
            Get(flag) is { } s
                ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"--{flag} '{s}' is not an integer")
                : fallback;
        double? Double(string flag) =>
            Get(flag) is { } s
                ? double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"--{flag} '{s}' is not a positive number")
                : null;

        var known = new[] { "out", "timeout-seconds", "epochs", "clips", "batch", "seed", "threads", "ema-decay", "kill-after-steps", "stop-after-steps", "optimizer", "mpi", "broadcast-only" };
        if (flags.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown) throw new ArgumentException($"unknown option --{unknown}");
        return new WorkerOptions
        {
            Out = Get("out") ?? throw new ArgumentException("--out is required"),
            Timeout = Double("timeout-seconds") is { } t ? TimeSpan.FromSeconds(t) : null,
            Epochs = Int("epochs", 2),
            Clips = Int("clips", 21),
            Batch = Int("batch", 8),
            Seed = Int("seed", 7),
            // libtorch's set_num_threads aborts the process for n <= 0, so a bad value must stop here, as a usage error.
            Threads = Int("threads", 1) is var threads && threads > 0 ? threads : throw new ArgumentException($"--threads {Get("threads")} must be at least 1"),
            EmaDecay = Double("ema-decay"),
            KillAfterSteps = Get("kill-after-steps") is null ? null : Int("kill-after-steps", 0),
            StopAfterSteps = Get("stop-after-steps") is null ? null : Int("stop-after-steps", 0),
            ForceMpi = flags.ContainsKey("mpi"),
            BroadcastOnly = flags.ContainsKey("broadcast-only"),
            Optimizer = Get("optimizer") switch
            {
                null or "sgd" => OptimizerKind.Sgd,
                "adamw" => OptimizerKind.AdamW,
                var o => throw new ArgumentException($"--optimizer '{o}' is neither sgd nor adamw"),
            },
        };
    }
}
