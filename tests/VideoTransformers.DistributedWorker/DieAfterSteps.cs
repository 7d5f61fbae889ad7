using VideoTransformers.Training.Runs;

namespace VideoTransformers.DistributedWorker;

/// <summary>Ends the process abruptly once training has taken <paramref name="steps"/> steps, to simulate a crashed rank.</summary>
internal sealed class DieAfterSteps(int steps, int rank) : IProgress<TrainingProgress>
{
    public const int ExitCode = 3;

    public void Report(TrainingProgress value)
    {
        if (value.Phase != TrainingPhase.Train || value.GlobalStep < steps) return;
        Console.Error.WriteLine($"rank {rank}: exiting abruptly after {value.GlobalStep} steps (--die-after-steps)");
        Console.Error.Flush();
        Environment.Exit(ExitCode);
    }
}
