namespace VideoTransformers.Training.Configuration;

/// <summary>A whole run configuration file: the model options and the training configuration.</summary>
public sealed record RunConfig
{
    /// <summary>The model half (may be empty when the model comes from elsewhere).</summary>
    public ModelOptions Model { get; init; } = new();

    /// <summary>The training half.</summary>
    public TrainingConfig Training { get; init; } = new();

    /// <summary>The file it was read from, or null.</summary>
    public string? SourcePath { get; init; }
}
