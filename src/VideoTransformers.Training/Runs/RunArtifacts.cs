using Microsoft.Extensions.Logging;
using VideoTransformers.Models;
using VideoTransformers.Training.Checkpoints;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.IO;
using VideoTransformers.Training.Logging;
using VideoTransformers.Training.Optimization;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Runs;

/// <summary>
/// Writes what a <see cref="Trainer"/> run leaves in its folder: <c>config.yaml</c>, the <c>last</c> and <c>best</c>
/// checkpoints with their <c>.json</c> descriptions, <c>metrics.csv</c>, <c>training_stats.json</c> and the
/// TensorBoard events. Only the main process of a run has one.
/// </summary>
internal sealed class RunArtifacts : IDisposable
{
    private readonly TrainerOptions _options;
    private readonly TrainingConfig _config;
    private readonly VideoClassifier _model;
    private readonly optim.Optimizer _optimizer;
    private readonly ExponentialMovingAverage? _ema;
    private readonly ILogger _logger;
    private CsvMetricsWriter? _csv;
    private TensorBoardWriter? _tensorBoard;

    /// <summary>Prepares the writer of <paramref name="options"/>' run folder; nothing is written yet.</summary>
    public RunArtifacts(TrainerOptions options, TrainingConfig config, VideoClassifier model, optim.Optimizer optimizer, ExponentialMovingAverage? ema, ILogger logger)
    {
        _options = options;
        _config = config;
        _model = model;
        _optimizer = optimizer;
        _ema = ema;
        _logger = logger;
    }

    /// <summary>The path of a checkpoint's tensors in <paramref name="runDirectory"/>.</summary>
    public static string CheckpointPath(string runDirectory, string name) => Path.Combine(runDirectory, name + ".safetensors");

    private string LastCheckpointPath => CheckpointPath(_options.RunDirectory, Trainer.LastName);
    private string BestCheckpointPath => CheckpointPath(_options.RunDirectory, Trainer.BestName);

    /// <summary>Creates the run folder and writes the effective configuration to <c>config.yaml</c>.</summary>
    public void WriteConfig()
    {
        Directory.CreateDirectory(_options.RunDirectory);
        ConfigWriter.Save((_options.RunConfig ?? new RunConfig()) with { Training = _config }, Path.Combine(_options.RunDirectory, "config.yaml"));
    }

    /// <summary>
    /// Starts <c>metrics.csv</c> with <paramref name="history"/> and, when asked for, the TensorBoard events.
    /// Rewriting the resumed history keeps metrics.csv equal to the checkpoint's, even if the folder held later epochs.
    /// </summary>
    public void OpenLogs(IEnumerable<EpochRecord> history)
    {
        _csv = new CsvMetricsWriter(Path.Combine(_options.RunDirectory, "metrics.csv"), Trainer.CsvColumns);
        foreach (var record in history) WriteCsv(record);
        if (_options.WriteTensorBoard) _tensorBoard = new TensorBoardWriter(_options.RunDirectory, _logger);
    }

    /// <summary>Logs one step's loss and learning rate to TensorBoard when <see cref="TrainerOptions.LogStepScalars"/>.</summary>
    public void WriteStep(long globalStep, double loss, double learningRate)
    {
        if (_tensorBoard is null || !_options.LogStepScalars) return;
        _tensorBoard.AddScalar("step/loss", (float)loss, globalStep);
        _tensorBoard.AddScalar("step/lr", (float)learningRate, globalStep);
    }

    /// <summary>
    /// Saves the checkpoint <paramref name="name"/> (tensors and description). With a weight average, <c>model.</c>
    /// gets the average (what eval and predict load) and <c>train.</c> the raw weights. Check the weights are finite
    /// first: a NaN weight must never replace a good checkpoint.
    /// </summary>
    public void SaveCheckpoint(string name, CheckpointState state, RunStatus? status, long parameterCount)
    {
        var path = CheckpointPath(_options.RunDirectory, name);
        // While the average is swapped in, the raw weights sit in its tensors.
        using (EmaScope.AverageIn(_ema, _model))
            Checkpoint.Save(path, _model, _optimizer, state, trainingWeights: _ema?.Tensors);
        WriteInfo(name, state, status, parameterCount);
    }

    /// <summary>
    /// Records a finished epoch whose <c>last</c> checkpoint is saved: the <c>best</c> checkpoint when it
    /// <paramref name="improved"/>, its row of <c>metrics.csv</c>, its TensorBoard scalars and <c>training_stats.json</c>.
    /// </summary>
    public void WriteEpoch(CheckpointState state, EpochRecord record, bool improved, long parameterCount)
    {
        if (improved)
        {
            AtomicFile.Copy(LastCheckpointPath, BestCheckpointPath);
            WriteInfo(Trainer.BestName, state, null, parameterCount);
            _logger.LogDebug("Epoch {Epoch} is the best so far by {Metric}; saved {Path}", record.Epoch, ConfigNames.Of(_config.ResolvedCheckpointMetric), BestCheckpointPath);
        }
        WriteCsv(record);
        WriteScalars(record);
        WriteStatistics(state, null, parameterCount);
    }

    /// <summary>Writes <c>training_stats.json</c>.</summary>
    public void WriteStatistics(CheckpointState state, RunStatus? status, long parameterCount) =>
        AtomicFile.WriteAllText(Path.Combine(_options.RunDirectory, "training_stats.json"),
            System.Text.Json.JsonSerializer.Serialize(Statistics(state, status, parameterCount), TrainingJson.Options));

    /// <summary>Closes <c>metrics.csv</c> and the TensorBoard events.</summary>
    public void Dispose()
    {
        _tensorBoard?.Dispose();
        _csv?.Dispose();
    }

    private void WriteInfo(string name, CheckpointState state, RunStatus? status, long parameterCount) =>
        new CheckpointInfo
        {
            Kind = name,
            Tensors = name + ".safetensors",
            SavedAt = DateTimeOffset.UtcNow,
            Model = _options.ModelSpec,
            Training = _config,
            Statistics = Statistics(state, status, parameterCount),
        }.Save(Path.Combine(_options.RunDirectory, name + ".json"));

    private TrainingStatistics Statistics(CheckpointState state, RunStatus? status, long parameterCount) => new()
    {
        Status = status,
        CompletedEpochs = state.CompletedEpochs,
        GlobalStep = state.GlobalStep,
        CheckpointMetric = _config.ResolvedCheckpointMetric,
        BestEpoch = state.Best.BestEpoch,
        BestMetric = state.Best.Best,
        TrainSeconds = state.TrainSeconds,
        ParameterCount = parameterCount,
        FlopsPerClip = _model.FlopsPerClip,
        History = state.History,
    };

    private void WriteCsv(EpochRecord r) =>
        _csv!.WriteRow(r.Epoch, r.GlobalStep, r.LearningRate, r.TrainLoss, r.TrainAccuracy, r.ValLoss, r.ValAccuracy, r.ValTop5, r.ValAuc, r.Seconds, r.ClipsPerSecond);

    private void WriteScalars(EpochRecord r)
    {
        if (_tensorBoard is not { } tb) return;
        tb.AddScalar("train/loss", (float)r.TrainLoss, r.Epoch);
        tb.AddScalar("train/accuracy", (float)r.TrainAccuracy, r.Epoch);
        tb.AddScalar("lr", (float)r.LearningRate, r.Epoch);
        if (r.ValLoss is { } vl) tb.AddScalar("val/loss", (float)vl, r.Epoch);
        if (r.ValAccuracy is { } va) tb.AddScalar("val/accuracy", (float)va, r.Epoch);
        if (r.ValTop5 is { } v5) tb.AddScalar("val/top5", (float)v5, r.Epoch);
        if (r.ValAuc is { } auc && !double.IsNaN(auc)) tb.AddScalar("val/auc", (float)auc, r.Epoch);
        tb.Flush();
    }
}
