using System.Globalization;
using VideoTransformers.Torch;
using VideoTransformers.Training.Configuration;

namespace VideoTransformers.DistributedWorker;

/// <summary>The worker's command line; flags win over the torchrun-style environment variables.</summary>
internal sealed record WorkerOptions
{
    public const string Usage =
        "usage: VideoTransformers.DistributedWorker --out DIR [--rank R --world N --master HOST:PORT] [--timeout-seconds S]\n" +
        "       [--epochs E] [--clips C] [--batch B] [--seed S] [--threads T] [--optimizer sgd|adamw] [--die-after-steps K]\n" +
        "Without --rank/--world/--master the torchrun variables RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT (and\n" +
        "VT_DIST_TIMEOUT_SECONDS) are read; a world of 1 without a master address trains in a single process.";

    public required string Out { get; init; }
    public int Rank { get; init; }
    public int World { get; init; } = 1;
    public string? Host { get; init; }
    public int Port { get; init; }
    public TimeSpan Timeout { get; init; } = ProcessGroupSettings.DefaultTimeout;
    public int Epochs { get; init; } = 2;
    public int Clips { get; init; } = 21;
    public int Batch { get; init; } = 8;
    public int Seed { get; init; } = 7;
    public int Threads { get; init; } = 1;
    public int? DieAfterSteps { get; init; }
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>A process group is joined for more than one rank, or whenever a rendezvous address is given.</summary>
    public bool UsesProcessGroup => World > 1 || Host is not null;

    public ProcessGroupSettings Settings => new()
    {
        Host = Host ?? throw new InvalidOperationException("no rendezvous address"), Port = Port, Rank = Rank, WorldSize = World, Timeout = Timeout,
    };

    public static WorkerOptions Parse(string[] args, Func<string, string?> getVariable)
    {
        var flags = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"unexpected argument '{args[i]}' (every option takes a value)");
            flags[args[i][2..]] = args[++i];
        }
        string? Get(string flag, string? variable = null) => flags.TryGetValue(flag, out var v) ? v : variable is null ? null : getVariable(variable);
        int Int(string flag, int fallback, string? variable = null) =>
            Get(flag, variable) is { Length: > 0 } s
                ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"--{flag} '{s}' is not an integer")
                : fallback;

        var known = new[] { "out", "rank", "world", "master", "timeout-seconds", "epochs", "clips", "batch", "seed", "threads", "die-after-steps", "optimizer" };
        if (flags.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown) throw new ArgumentException($"unknown option --{unknown}");

        string? host = null;
        var port = 0;
        if (Get("master") is { } master) (host, port) = ProcessGroupSettings.ParseAddress(master);
        else if (getVariable(ProcessGroupSettings.MasterAddressVariable) is { Length: > 0 } addr)
        {
            host = addr;
            port = Int("", 0, ProcessGroupSettings.MasterPortVariable);
        }
        var timeout = ProcessGroupSettings.DefaultTimeout;
        if (Get("timeout-seconds", ProcessGroupSettings.TimeoutVariable) is { Length: > 0 } t)
            timeout = double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0
                ? TimeSpan.FromSeconds(s)
                : throw new ArgumentException($"timeout '{t}' is not a positive number of seconds");
        return new WorkerOptions
        {
            Out = Get("out") ?? throw new ArgumentException("--out is required"),
            Rank = Int("rank", 0, ProcessGroupSettings.RankVariable),
            World = Int("world", 1, ProcessGroupSettings.WorldSizeVariable),
            Host = host,
            Port = port,
            Timeout = timeout,
            Epochs = Int("epochs", 2),
            Clips = Int("clips", 21),
            Batch = Int("batch", 8),
            Seed = Int("seed", 7),
            Threads = Int("threads", 1),
            DieAfterSteps = Get("die-after-steps") is null ? null : Int("die-after-steps", 0),
            Optimizer = Get("optimizer") switch
            {
                null or "sgd" => OptimizerKind.Sgd,
                "adamw" => OptimizerKind.AdamW,
                var o => throw new ArgumentException($"--optimizer '{o}' is neither sgd nor adamw"),
            },
        };
    }
}
