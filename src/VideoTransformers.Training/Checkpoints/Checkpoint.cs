using VideoTransformers.Torch.Serialization;
using System.Globalization;
using System.Text.Json;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Optimization;
using VideoTransformers.Training.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Checkpoints;

/// <summary>
/// Reads and writes training checkpoints: one safetensors file holding the model's state dict under <c>model.</c> and
/// the optimizer's state tensors under <c>optim.</c>, with every scalar (optimizer steps and learning rates, epoch,
/// global step, scheduler position, best metric, seeds, history) as strings in its <c>__metadata__</c>. The file is
/// written to a temporary name and renamed, so an interrupted save never damages the previous checkpoint.
/// </summary>
public static class Checkpoint
{
    /// <summary>Prefix of the model's tensors.</summary>
    public const string ModelPrefix = "model.";
    /// <summary>Prefix of the optimizer's tensors.</summary>
    public const string OptimizerPrefix = "optim.";
    /// <summary>
    /// Prefix of the raw training weights in a checkpoint of a run with a weight average (EMA): there <c>model.</c>
    /// holds the averaged weights, the ones to evaluate, and <c>train.</c> the weights the optimizer steps on.
    /// </summary>
    public const string TrainingWeightsPrefix = "train.";
    /// <summary>The <c>format</c> metadata value of checkpoints written here.</summary>
    public const string FormatTag = "videotransformers-checkpoint/1";

    /// <summary>Metadata keys (string → string; numbers invariant, structures as JSON).</summary>
    public static class Keys
    {
        /// <summary>Format tag.</summary>
        public const string Format = "format";
        /// <summary>Epochs finished.</summary>
        public const string Epoch = "epoch";
        /// <summary>Steps taken in the unfinished epoch.</summary>
        public const string StepInEpoch = "step_in_epoch";
        /// <summary>Optimizer steps taken.</summary>
        public const string GlobalStep = "global_step";
        /// <summary>Learning-rate scheduler position.</summary>
        public const string SchedulerEpoch = "scheduler_epoch";
        /// <summary>Batches per training epoch.</summary>
        public const string StepsPerEpoch = "steps_per_epoch";
        /// <summary>Torch seed.</summary>
        public const string Seed = "seed";
        /// <summary>Data seed.</summary>
        public const string DataSeed = "data_seed";
        /// <summary>Best value of the checkpoint metric ("null" before the first).</summary>
        public const string BestMetric = "best_metric";
        /// <summary>Checkpoint-metric tracker (JSON).</summary>
        public const string Best = "best";
        /// <summary>Early-stopping tracker (JSON).</summary>
        public const string Monitor = "monitor";
        /// <summary>Running sums of an interrupted epoch (JSON).</summary>
        public const string PartialEpoch = "partial_epoch";
        /// <summary>Finished epochs (JSON).</summary>
        public const string History = "history";
        /// <summary>Training seconds.</summary>
        public const string TrainSeconds = "train_seconds";
        /// <summary>Optimizer class name.</summary>
        public const string OptimizerType = "optim.type";
        /// <summary>Optimizer scalars (JSON object of step counts and group hyper-parameters).</summary>
        public const string OptimizerScalars = "optim.scalars";
    }

    /// <summary>Writes a checkpoint of <paramref name="model"/>, <paramref name="optimizer"/> (optional) and <paramref name="state"/>.</summary>
    /// <param name="path">The safetensors file to write (atomically).</param>
    /// <param name="model">Its state dict goes under <c>model.</c>.</param>
    /// <param name="optimizer">Its state goes under <c>optim.</c>; null for a weights-only file.</param>
    /// <param name="state">Epoch, step, trackers and history, as metadata.</param>
    /// <param name="trainingWeights">With a weight average, the raw training weights (under <c>train.</c>) while <paramref name="model"/> holds the average.</param>
    public static void Save(string path, nn.Module model, optim.Optimizer? optimizer, CheckpointState state,
        IReadOnlyDictionary<string, Tensor>? trainingWeights = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(state);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, t) in model.state_dict()) tensors.Add(new(ModelPrefix + name, t));
        if (trainingWeights is not null)
            foreach (var (name, t) in trainingWeights.OrderBy(kv => kv.Key, StringComparer.Ordinal)) tensors.Add(new(TrainingWeightsPrefix + name, t));
        var metadata = new Dictionary<string, string>
        {
            [Keys.Format] = FormatTag,
            [Keys.Epoch] = I(state.CompletedEpochs),
            [Keys.StepInEpoch] = I(state.StepInEpoch),
            [Keys.GlobalStep] = I(state.GlobalStep),
            [Keys.SchedulerEpoch] = I(state.SchedulerEpoch),
            [Keys.StepsPerEpoch] = I(state.StepsPerEpoch),
            [Keys.Seed] = I(state.Seed),
            [Keys.DataSeed] = I(state.DataSeed),
            [Keys.BestMetric] = state.Best.Best is { } b ? b.ToString("R", CultureInfo.InvariantCulture) : "null",
            [Keys.Best] = Json(state.Best),
            [Keys.Monitor] = Json(state.Monitor),
            [Keys.History] = Json(state.History),
            [Keys.TrainSeconds] = state.TrainSeconds.ToString("R", CultureInfo.InvariantCulture),
        };
        if (state.Partial is not null) metadata[Keys.PartialEpoch] = Json(state.Partial);
        if (optimizer is not null)
        {
            var sd = optimizer.tensor_state_dict();
            foreach (var (name, t) in sd.Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal)) tensors.Add(new(OptimizerPrefix + name, t));
            metadata[Keys.OptimizerType] = optimizer.GetType().Name;
            metadata[Keys.OptimizerScalars] = Json(new SortedDictionary<string, double>(sd.Scalars.ToDictionary(), StringComparer.Ordinal));
        }
        SafeTensors.save(tensors, path, metadata);
    }

    /// <summary>
    /// Restores <paramref name="model"/> (strictly: every key must match) and, when given, <paramref name="optimizer"/>
    /// from a checkpoint, and returns its state. A plain state dict without the <c>model.</c> prefix loads as a model.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint is of another format, or was written by another optimizer, or lacks optimizer state.</exception>
    public static CheckpointState Load(string path, nn.Module model, optim.Optimizer? optimizer = null) =>
        LoadCore(path, model, optimizer, keepTrainingWeights: false).State;

    /// <summary>
    /// Builds the model a checkpoint written by the trainer holds, from the model spec in the <c>.json</c> beside it,
    /// loads its weights and puts it in evaluation mode. The caller disposes the model.
    /// </summary>
    /// <param name="path">The checkpoint (<c>best.safetensors</c>, <c>last.safetensors</c>, ...).</param>
    /// <param name="info">The <c>.json</c> beside it: the model spec and the training configuration.</param>
    /// <exception cref="FileNotFoundException">The checkpoint or its <c>.json</c> does not exist.</exception>
    /// <exception cref="InvalidDataException">The <c>.json</c> has no model spec, or the weights do not fit it.</exception>
    public static VideoClassifier LoadModel(string path, out CheckpointInfo info)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        var json = Path.ChangeExtension(path, ".json");
        if (!File.Exists(json)) throw new FileNotFoundException($"'{json}' (the model description written next to every checkpoint) is missing.", json);
        info = CheckpointInfo.Load(json);
        var spec = info.Model ?? throw new InvalidDataException($"'{json}' has no model spec.");
        var model = spec.Build();
        try
        {
            Load(path, model);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>As <see cref="LoadModel(string, out CheckpointInfo)"/>, without the <c>.json</c>'s contents.</summary>
    public static VideoClassifier LoadModel(string path) => LoadModel(path, out _);

    /// <summary>
    /// As <see cref="Load(string, nn.Module, optim.Optimizer?)"/>, reading the file once, and also returns its raw
    /// training weights (<c>train.</c>, written with a weight average) detached from any dispose scope: the caller
    /// disposes them. Empty when the checkpoint has none.
    /// </summary>
    public static CheckpointState Load(string path, nn.Module model, optim.Optimizer? optimizer, out Dictionary<string, Tensor> trainingWeights)
    {
        (var state, trainingWeights) = LoadCore(path, model, optimizer, keepTrainingWeights: true);
        return state;
    }

    /// <summary>
    /// Reads the raw training weights (<c>train.</c>) of a checkpoint written with a weight average, detached from any
    /// dispose scope (the caller disposes them); empty when the checkpoint has none.
    /// </summary>
    public static Dictionary<string, Tensor> ReadTrainingWeights(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var scope = NewDisposeScope();
        var tensors = SafeTensors.load(path, out var metadata);
        CheckFormat(path, metadata);
        return Detached(WithPrefix(tensors, TrainingWeightsPrefix));
    }

    private static (CheckpointState State, Dictionary<string, Tensor> TrainingWeights) LoadCore(string path, nn.Module model, optim.Optimizer? optimizer,
        bool keepTrainingWeights)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        var tensors = SafeTensors.load(path, out var metadata);
        CheckFormat(path, metadata);
        var prefixed = tensors.Keys.Any(k => k.StartsWith(ModelPrefix, StringComparison.Ordinal));
        model.load_state_dict_checked(prefixed ? WithPrefix(tensors, ModelPrefix) : tensors, strict: true);
        if (optimizer is not null)
        {
            if (!metadata.TryGetValue(Keys.OptimizerType, out var type) || !metadata.TryGetValue(Keys.OptimizerScalars, out var scalarsJson))
                throw new InvalidDataException($"Checkpoint '{path}' holds no optimizer state, so training cannot resume from it exactly.");
            if (type != optimizer.GetType().Name)
                throw new InvalidDataException($"Checkpoint '{path}' holds {type} state but the optimizer is {optimizer.GetType().Name}; resume with the same optimizer.");
            var scalars = JsonSerializer.Deserialize<Dictionary<string, double>>(scalarsJson, TrainingJson.Options)
                          ?? throw new InvalidDataException($"Checkpoint '{path}' has empty optimizer scalars.");
            try
            {
                optimizer.load_tensor_state_dict(new OptimizerStateDict(WithPrefix(tensors, OptimizerPrefix), scalars));
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"Checkpoint '{path}' holds optimizer state that does not fit this optimizer: {e.Message}", e);
            }
        }
        var state = ParseState(path, metadata);
        return (state, keepTrainingWeights ? Detached(WithPrefix(tensors, TrainingWeightsPrefix)) : new Dictionary<string, Tensor>());
    }

    // The entries whose key starts with prefix, under the key without it.
    private static Dictionary<string, Tensor> WithPrefix(Dictionary<string, Tensor> tensors, string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);

    // Takes the tensors out of the current dispose scope, so that they outlive it (the caller disposes them).
    private static Dictionary<string, Tensor> Detached(Dictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values) t.DetachFromDisposeScope();
        return tensors;
    }

    /// <summary>Reads only the state of a checkpoint (the tensors are read and dropped).</summary>
    public static CheckpointState ReadState(string path)
    {
        using var scope = NewDisposeScope();
        SafeTensors.load(path, out var metadata);
        CheckFormat(path, metadata);
        return ParseState(path, metadata);
    }

    private static void CheckFormat(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.TryGetValue(Keys.Format, out var format) && format != FormatTag)
            throw new InvalidDataException($"Checkpoint '{path}' has format '{format}', not '{FormatTag}'.");
    }

    private static CheckpointState ParseState(string path, IReadOnlyDictionary<string, string> m)
    {
        // A bare state dict (no metadata) is a valid model file; it simply has no training state.
        if (!m.ContainsKey(Keys.Format)) return new CheckpointState();
        try
        {
            return new CheckpointState
            {
                CompletedEpochs = int.Parse(m[Keys.Epoch], CultureInfo.InvariantCulture),
                StepInEpoch = int.Parse(m[Keys.StepInEpoch], CultureInfo.InvariantCulture),
                GlobalStep = long.Parse(m[Keys.GlobalStep], CultureInfo.InvariantCulture),
                SchedulerEpoch = long.Parse(m[Keys.SchedulerEpoch], CultureInfo.InvariantCulture),
                StepsPerEpoch = int.Parse(m[Keys.StepsPerEpoch], CultureInfo.InvariantCulture),
                Seed = long.Parse(m[Keys.Seed], CultureInfo.InvariantCulture),
                DataSeed = int.Parse(m[Keys.DataSeed], CultureInfo.InvariantCulture),
                Best = FromJson<MetricTrackerState>(m[Keys.Best]),
                Monitor = FromJson<MetricTrackerState>(m[Keys.Monitor]),
                Partial = m.TryGetValue(Keys.PartialEpoch, out var p) ? FromJson<PartialEpoch>(p) : null,
                History = FromJson<List<EpochRecord>>(m[Keys.History]),
                TrainSeconds = double.Parse(m[Keys.TrainSeconds], CultureInfo.InvariantCulture),
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or JsonException or OverflowException)
        {
            throw new InvalidDataException($"Checkpoint '{path}' has damaged training metadata: {e.Message}", e);
        }
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, CompactJson);

    private static T FromJson<T>(string json) => JsonSerializer.Deserialize<T>(json, CompactJson) ?? throw new JsonException("null value");

    private static readonly JsonSerializerOptions CompactJson = new(TrainingJson.Options) { WriteIndented = false };
}
