using VideoTransformers.Training.Metrics;
using VideoTransformers.Training.Runs;

namespace VideoTransformers.Training.Tests.Support;

/// <summary>A training callback that runs a test's code at the end of each epoch.</summary>
internal sealed class CallbackProbe(Action<TrainingContext, EpochRecord, MetricsReport?> onEpochEnd) : ITrainingCallback
{
    public int RunStarts { get; private set; }
    public RunResult? Ended { get; private set; }

    public void OnRunStart(TrainingContext context) => RunStarts++;

    public void OnEpochEnd(TrainingContext context, EpochRecord epoch, MetricsReport? validation) => onEpochEnd(context, epoch, validation);

    public void OnRunEnd(TrainingContext context, RunResult result) => Ended = result;
}
