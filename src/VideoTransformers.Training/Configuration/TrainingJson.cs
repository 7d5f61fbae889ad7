using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoTransformers.Training.Configuration;

/// <summary>The JSON options of every file the trainer writes (configs, checkpoint descriptions, statistics).</summary>
public static class TrainingJson
{
    /// <summary>
    /// Indented, nulls left out, enums as strings, and NaN/Infinity written as named literals: an AUC over a
    /// validation set with one class is NaN, and that must not make a checkpoint unwritable.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };
}
