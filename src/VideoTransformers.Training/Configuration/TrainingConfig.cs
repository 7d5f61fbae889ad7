using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoTransformers.Training.Configuration;

/// <summary>
/// Everything that decides how a model is trained: epochs, batch size, optimizer, schedule, regularisation,
/// early stopping, checkpoint selection and seeds. JSON property names equal the YAML keys of
/// <see cref="ConfigLoader"/>, so a run's <c>config.yaml</c> and its checkpoint JSON read alike.
/// </summary>
public sealed record TrainingConfig
{
    /// <summary>Epochs to train (YAML <c>num_epochs</c>).</summary>
    [JsonPropertyName("num_epochs")] public int Epochs { get; init; } = 30;

    /// <summary>Clips per batch (YAML <c>batch_size</c>); the caller builds the batch sources with it.</summary>
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 32;

    /// <summary>The optimizer.</summary>
    [JsonPropertyName("optimizer")] public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Peak learning rate (YAML <c>lr</c>).</summary>
    [JsonPropertyName("lr")] public double LearningRate { get; init; } = 3e-4;

    /// <summary>Weight decay; never applied to norms, biases, position embeddings or class tokens (see ParameterGroups).</summary>
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; init; }

    /// <summary>Adam's first-moment decay (YAML <c>betas[0]</c>).</summary>
    [JsonPropertyName("beta1")] public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's second-moment decay (YAML <c>betas[1]</c>).</summary>
    [JsonPropertyName("beta2")] public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam's denominator epsilon.</summary>
    [JsonPropertyName("eps")] public double Eps { get; init; } = 1e-8;

    /// <summary>SGD momentum.</summary>
    [JsonPropertyName("momentum")] public double Momentum { get; init; } = 0.9;

    /// <summary>SGD Nesterov momentum.</summary>
    [JsonPropertyName("nesterov")] public bool Nesterov { get; init; }

    /// <summary>The learning-rate schedule.</summary>
    [JsonPropertyName("schedule")] public ScheduleKind Schedule { get; init; } = ScheduleKind.None;

    /// <summary>StepLR: epochs between decays.</summary>
    [JsonPropertyName("step_size")] public int StepSize { get; init; } = 10;

    /// <summary>StepLR: decay factor.</summary>
    [JsonPropertyName("gamma")] public double Gamma { get; init; } = 0.1;

    /// <summary>Cosine: warmup length in epochs (converted to optimizer steps); ignored when <see cref="WarmupSteps"/> is set.</summary>
    [JsonPropertyName("warmup_epochs")] public double WarmupEpochs { get; init; }

    /// <summary>Cosine: warmup length in optimizer steps, overriding <see cref="WarmupEpochs"/>.</summary>
    [JsonPropertyName("warmup_steps")] public int? WarmupSteps { get; init; }

    /// <summary>Cosine: the learning rate at the last step.</summary>
    [JsonPropertyName("min_lr")] public double MinLr { get; init; }

    /// <summary>Cosine: the warmup's starting fraction of the learning rate (0 like Hugging Face's cosine-with-warmup).</summary>
    [JsonPropertyName("warmup_start_factor")] public double WarmupStartFactor { get; init; }

    /// <summary>Label smoothing of the training loss (validation loss is never smoothed).</summary>
    [JsonPropertyName("label_smoothing")] public double LabelSmoothing { get; init; }

    /// <summary>Maximum global L2 norm of the gradients, or null for no clipping.</summary>
    [JsonPropertyName("grad_clip_norm")] public double? GradClipNorm { get; init; }

    /// <summary>
    /// Decay of an exponential moving average of the weights (e.g. 0.999), or null for none. When set, validation,
    /// checkpoints (<c>model.</c> tensors), the best-epoch choice and the test use the averaged weights; see
    /// <see cref="Optimization.ExponentialMovingAverage"/>.
    /// </summary>
    [JsonPropertyName("ema_decay")] public double? EmaDecay { get; init; }

    /// <summary>Stop after this many epochs without improvement of <see cref="Monitor"/>; null disables early stopping.</summary>
    [JsonPropertyName("early_stopping_patience")] public int? EarlyStoppingPatience { get; init; }

    /// <summary>The smallest change of <see cref="Monitor"/> that counts as an improvement.</summary>
    [JsonPropertyName("early_stopping_min_delta")] public double EarlyStoppingMinDelta { get; init; }

    /// <summary>The metric early stopping watches.</summary>
    [JsonPropertyName("monitor")] public MonitorMetric Monitor { get; init; } = MonitorMetric.ValLoss;

    /// <summary>Whether <see cref="Monitor"/> should go down or up; null picks min for losses and max otherwise.</summary>
    [JsonPropertyName("monitor_mode")] public MetricMode? MonitorMode { get; init; }

    /// <summary>The metric that picks the best checkpoint; null uses <see cref="Monitor"/>.</summary>
    [JsonPropertyName("checkpoint_metric")] public MonitorMetric? CheckpointMetric { get; init; }

    /// <summary>Seed of libtorch's generators: model initialisation, dropout and every training step derive from it.</summary>
    [JsonPropertyName("seed")] public long Seed { get; init; }

    /// <summary>Seed of the data sources' shuffling and augmentation (the caller passes it to them).</summary>
    [JsonPropertyName("data_seed")] public int DataSeed { get; init; }

    /// <summary>libtorch intra-op threads, or null to keep libtorch's default.</summary>
    [JsonPropertyName("threads")] public int? Threads { get; init; }

    /// <summary>The direction of <see cref="Monitor"/> after defaults.</summary>
    [JsonIgnore] public MetricMode ResolvedMonitorMode => MonitorMode ?? DefaultMode(Monitor);

    /// <summary>The checkpoint metric after defaults.</summary>
    [JsonIgnore] public MonitorMetric ResolvedCheckpointMetric => CheckpointMetric ?? Monitor;

    /// <summary>The direction of the checkpoint metric: <see cref="ResolvedMonitorMode"/> when it is the monitored metric, else its natural one.</summary>
    [JsonIgnore] public MetricMode ResolvedCheckpointMode =>
        ResolvedCheckpointMetric == Monitor ? ResolvedMonitorMode : DefaultMode(ResolvedCheckpointMetric);

    /// <summary>The natural direction of a metric: min for losses, max for accuracy and AUC.</summary>
    public static MetricMode DefaultMode(MonitorMetric metric) => metric == MonitorMetric.ValLoss ? MetricMode.Min : MetricMode.Max;

    /// <summary>
    /// The KTH FrameViT study's recipe: Adam, lr 3e-4, batch 32, no weight decay. Its optional StepLR (step 10, gamma 1/3) is
    /// preset but off; <c>schedule: step</c> turns it on.
    /// </summary>
    public static TrainingConfig Seed000 => new()
    {
        Optimizer = OptimizerKind.Adam, LearningRate = 3e-4, BatchSize = 32, StepSize = 10, Gamma = 1.0 / 3,
    };

    /// <summary>
    /// The Keras ViViT example: Adam, lr 1e-4, weight decay 1e-5, batch 32, 60 epochs. Keras' <c>Adam(weight_decay=…)</c>
    /// decays the weights directly (decoupled), which is what AdamW does here, not torch's L2-in-the-gradient Adam.
    /// </summary>
    public static TrainingConfig KerasViViT => new()
    {
        Optimizer = OptimizerKind.AdamW, LearningRate = 1e-4, WeightDecay = 1e-5, BatchSize = 32, Epochs = 60,
    };

    /// <summary>
    /// The usual vision-transformer recipe: AdamW lr 1e-3, weight decay 0.05, 5 warmup epochs then cosine to 1e-6,
    /// label smoothing 0.1, gradient clipping at 1.
    /// </summary>
    public static TrainingConfig AdamWCosine => new()
    {
        Optimizer = OptimizerKind.AdamW, LearningRate = 1e-3, WeightDecay = 0.05, Schedule = ScheduleKind.Cosine,
        WarmupEpochs = 5, MinLr = 1e-6, LabelSmoothing = 0.1, GradClipNorm = 1.0,
    };

    /// <summary>The named presets (YAML <c>training_preset</c>): seed000, keras-vivit, adamw-cosine.</summary>
    public static IReadOnlyDictionary<string, Func<TrainingConfig>> Presets { get; } = new Dictionary<string, Func<TrainingConfig>>
    {
        ["seed000"] = () => Seed000,
        ["keras-vivit"] = () => KerasViViT,
        ["adamw-cosine"] = () => AdamWCosine,
    };

    /// <summary>
    /// Every problem with this configuration as (YAML key, message); empty when it is usable. This is the one rule set
    /// for a training configuration: <see cref="ConfigLoader"/> runs it on what it reads, <c>vt train</c> on the file
    /// with its flags applied, and <see cref="Runs.Trainer"/> (through <see cref="EnsureValid"/>) on one built in code;
    /// the optimizer, schedule and training loop behind the trainer rely on it and do not check again.
    /// </summary>
    public IReadOnlyList<(string Key, string Message)> Problems()
    {
        var p = new List<(string, string)>();
        void Need(bool ok, string key, string message)
        {
            if (!ok) p.Add((key, message));
        }
        static bool Finite(double d) => double.IsFinite(d);
        Need(Epochs >= 1, "num_epochs", "must be at least 1");
        Need(BatchSize >= 1, "batch_size", "must be at least 1");
        var lrValid = Finite(LearningRate) && LearningRate >= 0;
        Need(lrValid, "lr", "must be a finite number >= 0");
        Need(Finite(WeightDecay) && WeightDecay >= 0, "weight_decay", "must be a finite number >= 0");
        Need(Beta1 is >= 0 and < 1 && Beta2 is >= 0 and < 1, "betas", "both must be in [0, 1)");
        Need(Finite(Eps) && Eps >= 0, "eps", "must be a finite number >= 0");
        Need(Momentum is >= 0 and < 1, "momentum", "must be in [0, 1)");
        Need(!Nesterov || Optimizer != OptimizerKind.Sgd || Momentum > 0, "nesterov", "Nesterov momentum needs momentum > 0");
        Need(StepSize >= 1, "step_size", "must be at least 1");
        Need(Finite(Gamma) && Gamma > 0, "gamma", "must be a finite number > 0");
        // Cross-key bounds are checked only against a valid other key, so one bad value is one problem, not two.
        Need(Finite(WarmupEpochs) && WarmupEpochs >= 0 && (Epochs < 1 || WarmupEpochs <= Epochs), "warmup_epochs", $"must be in [0, num_epochs={Epochs.ToString(CultureInfo.InvariantCulture)}]");
        Need(WarmupSteps is null or >= 0, "warmup_steps", "must be >= 0");
        Need(WarmupSteps is null || WarmupEpochs == 0, "warmup_steps", "give warmup_epochs or warmup_steps, not both");
        Need(Finite(MinLr) && MinLr >= 0 && (!lrValid || MinLr <= LearningRate), "min_lr", "must be in [0, lr]");
        Need(WarmupStartFactor is >= 0 and <= 1, "warmup_start_factor", "must be in [0, 1]");
        Need(LabelSmoothing is >= 0 and < 1, "label_smoothing", "must be in [0, 1)");
        Need(GradClipNorm is null || (double.IsFinite(GradClipNorm.Value) && GradClipNorm > 0), "grad_clip_norm", "must be a finite number > 0 (or null for no clipping)");
        Need(EmaDecay is null or (> 0 and < 1), "ema_decay", "must be in (0, 1) (or null for no weight averaging)");
        Need(EarlyStoppingPatience is null or >= 1, "early_stopping_patience", "must be at least 1 (or null to disable)");
        Need(Finite(EarlyStoppingMinDelta) && EarlyStoppingMinDelta >= 0, "early_stopping_min_delta", "must be a finite number >= 0");
        Need(Threads is null or >= 1, "threads", "must be at least 1 (or null for libtorch's default)");
        return p;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every problem found by <see cref="Problems"/>.</summary>
    public void EnsureValid()
    {
        var problems = Problems();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid training configuration: " + string.Join("; ", problems.Select(x => $"{x.Key} {x.Message}")));
    }

    /// <summary>Serialises to JSON (keys as in YAML).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, TrainingJson.Options);

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    public static TrainingConfig FromJson(string json) =>
        JsonSerializer.Deserialize<TrainingConfig>(json, TrainingJson.Options) ?? throw new ArgumentException("empty training config");
}
