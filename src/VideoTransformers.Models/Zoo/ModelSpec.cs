using System.Text.Json;
using System.Text.Json.Serialization;
using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>
/// A serialisable description of a model: its family and the full configuration. Saved as JSON next to every
/// checkpoint, so that a checkpoint can be rebuilt without the code that trained it.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>Family: one of <see cref="ModelRegistry.Families"/> (frame-vit, vivit, timesformer, actionbert, bilstm, cnn-lstm).</summary>
    public required string Model { get; init; }
    /// <summary>Configuration of FrameViT.</summary>
    public FrameViTConfig? FrameViT { get; init; }
    /// <summary>Configuration of ViViT.</summary>
    public ViViTConfig? ViViT { get; init; }
    /// <summary>Configuration of TimeSformer.</summary>
    public TimeSformerConfig? TimeSformer { get; init; }
    /// <summary>Configuration of ActionBERT.</summary>
    public ActionBertConfig? ActionBert { get; init; }
    /// <summary>Configuration of the RNN baselines.</summary>
    public RnnConfig? Rnn { get; init; }

    /// <summary>JSON options used for specs (enums as strings, indented).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Builds the model (through its family in the <see cref="ModelRegistry"/>).</summary>
    /// <exception cref="ArgumentException">The family is unknown or the spec has no configuration for it.</exception>
    public VideoClassifier Build() => ModelRegistry.Family(Model).Build(this);

    /// <summary>Serialises to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    public static ModelSpec FromJson(string json) =>
        JsonSerializer.Deserialize<ModelSpec>(json, JsonOptions) ?? throw new ArgumentException("empty model spec");
}
