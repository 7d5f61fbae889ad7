namespace VideoTransformers.Training.Configuration;

/// <summary>One key of a run configuration file: how to read it, which model families it applies to, and how to write it back.</summary>
/// <param name="Name">The YAML key.</param>
/// <param name="IsModel">True for model keys, false for training keys.</param>
/// <param name="Families">The model families it applies to, or null for all.</param>
/// <param name="Apply">Reads the value into the configuration.</param>
/// <param name="Write">The value as YAML text, or null to leave the key out.</param>
internal sealed record ConfigKey(
    string Name,
    bool IsModel,
    IReadOnlyList<string>? Families,
    Func<RunConfig, ConfigValue, RunConfig> Apply,
    Func<RunConfig, string?> Write);
