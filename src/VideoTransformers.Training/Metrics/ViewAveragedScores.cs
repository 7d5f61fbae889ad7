namespace VideoTransformers.Training.Metrics;

/// <summary>Class probabilities averaged over the views (clips, crops) of each video.</summary>
/// <param name="VideoIds">The video of each row, in order of first appearance.</param>
/// <param name="Probabilities">Row-major <c>[VideoIds.Length × NumClasses]</c> mean softmax probabilities.</param>
/// <param name="NumClasses">The number of classes (columns).</param>
public sealed record ViewAveragedScores(long[] VideoIds, float[] Probabilities, int NumClasses);
