namespace VideoTransformers.Training.Configuration;

/// <summary>A configuration file could not be used; <see cref="Errors"/> lists every problem found, not just the first.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception from the problems found in <paramref name="file"/>.</summary>
    public ConfigException(string file, IReadOnlyList<ConfigError> errors, Exception? inner = null)
        : base(Format(file, errors), inner)
    {
        File = file;
        Errors = errors;
    }

    /// <summary>The file.</summary>
    public string File { get; }

    /// <summary>Every problem, in file order.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    // The message lists this many problems; Errors keeps them all (a hostile file can hold thousands).
    private const int MaxListed = 50;

    private static string Format(string file, IReadOnlyList<ConfigError> errors) =>
        errors.Count == 1
            ? $"Invalid configuration: {errors[0]}"
            : $"Invalid configuration '{file}' ({errors.Count} problems):\n  " + string.Join("\n  ", errors.Take(MaxListed))
              + (errors.Count > MaxListed ? $"\n  … and {errors.Count - MaxListed} more" : "");
}
