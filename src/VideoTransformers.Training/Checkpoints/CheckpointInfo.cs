using System.Text.Json;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.IO;
using VideoTransformers.Zoo;

namespace VideoTransformers.Training.Checkpoints;

/// <summary>
/// The human-readable side of a checkpoint (<c>best.json</c>, <c>last.json</c>): the model spec to rebuild the model
/// without the code that trained it, the training configuration and the training statistics.
/// </summary>
public sealed record CheckpointInfo
{
    /// <summary>The format tag, <see cref="Checkpoint.FormatTag"/>.</summary>
    public string Format { get; init; } = Checkpoint.FormatTag;
    /// <summary>"best" or "last" (written by the trainer), or "imported" (written by <c>vt import-hf</c>).</summary>
    public required string Kind { get; init; }
    /// <summary>The file name of the tensors (e.g. <c>best.safetensors</c>), next to this file.</summary>
    public required string Tensors { get; init; }
    /// <summary>When it was written (UTC).</summary>
    public DateTimeOffset SavedAt { get; init; }
    /// <summary>The model, or null when the trainer was not given a spec.</summary>
    public ModelSpec? Model { get; init; }
    /// <summary>The training configuration.</summary>
    public TrainingConfig? Training { get; init; }
    /// <summary>The statistics at the time of writing.</summary>
    public TrainingStatistics? Statistics { get; init; }

    /// <summary>Serialises to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, TrainingJson.Options);

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    public static CheckpointInfo FromJson(string json) =>
        JsonSerializer.Deserialize<CheckpointInfo>(json, TrainingJson.Options) ?? throw new InvalidDataException("empty checkpoint description");

    /// <summary>Writes the JSON to <paramref name="path"/> through a temporary file.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    public static CheckpointInfo Load(string path) => FromJson(File.ReadAllText(path));
}
