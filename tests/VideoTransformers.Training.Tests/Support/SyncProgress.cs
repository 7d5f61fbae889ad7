using VideoTransformers.Training.Runs;

namespace VideoTransformers.Training.Tests.Support;

/// <summary>An IProgress that runs its handler on the reporting thread (System.Progress posts to the thread pool).</summary>
internal sealed class SyncProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
{
    public List<TrainingProgress> Reports { get; } = [];

    public void Report(TrainingProgress value)
    {
        Reports.Add(value);
        handler(value);
    }
}
