using System.Runtime.InteropServices;
using VideoTransformers.Training.Runs;

namespace VideoTransformers.DistributedWorker;

/// <summary>
/// Sends this process a POSIX signal once training has taken <paramref name="steps"/> steps: SIGKILL for a rank that
/// dies mid-training, SIGSTOP for one that stops responding while its process and sockets stay.
/// </summary>
internal sealed partial class SignalAfterSteps(int steps, int rank, int signal) : IProgress<TrainingProgress>
{
    public const int SIGKILL = 9;
    public const int SIGSTOP = 19;

    public void Report(TrainingProgress value)
    {
        if (value.Phase != TrainingPhase.Train || value.GlobalStep != steps) return;
        Console.Error.WriteLine($"rank {rank}: sending itself signal {signal} after {value.GlobalStep} steps");
        Console.Error.Flush();
        kill(Environment.ProcessId, signal);
    }

    [LibraryImport("libc")]
    private static partial int kill(int pid, int sig);
}
