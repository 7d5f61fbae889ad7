using System.Diagnostics;
using VideoTransformers.Training.Runs;

namespace VideoTransformers.Training.Evaluation;

/// <summary>Where in a training run an evaluation happens, for progress reports and divergence errors.</summary>
/// <param name="Phase">Validation or test.</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs configured.</param>
/// <param name="GlobalStep">Optimizer steps so far.</param>
/// <param name="TotalSteps">Optimizer steps of the whole run.</param>
/// <param name="LearningRate">Current learning rate.</param>
/// <param name="RunClock">The run's clock.</param>
/// <param name="NonFinite">Makes the exception for a non-finite evaluation loss.</param>
internal sealed record EvaluationPosition(TrainingPhase Phase, int Epoch, int Epochs, long GlobalStep, long TotalSteps, double LearningRate,
    Stopwatch RunClock, Func<double, Exception> NonFinite);
