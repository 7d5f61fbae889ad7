namespace VideoTransformers.Training.Tests.Logging;

/// <summary>One decoded tensorflow.Event: the fields the writer produces.</summary>
internal sealed record TfEvent(double WallTime, long Step, string? FileVersion, IReadOnlyList<(string Tag, float Value)> Scalars);
