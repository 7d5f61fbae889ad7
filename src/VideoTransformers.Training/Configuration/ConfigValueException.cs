namespace VideoTransformers.Training.Configuration;

/// <summary>A value that does not fit its key; the loader adds the file, line and key.</summary>
internal sealed class ConfigValueException(string message) : Exception(message);
