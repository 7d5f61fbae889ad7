namespace VideoTransformers.Training.Plots;

/// <summary>One point of a scaling sweep: the cost of a training step of one attention kind at one clip length.</summary>
/// <param name="Kind">The attention kind, e.g. "joint"; points of one kind form one line.</param>
/// <param name="Frames">Frames per clip (T), at least 1.</param>
/// <param name="MsPerStep">Milliseconds per training step.</param>
/// <param name="PeakRssMb">Peak resident memory of the process in MB, or NaN when not measured.</param>
public sealed record ScalingPoint(string Kind, int Frames, double MsPerStep, double PeakRssMb = double.NaN);
