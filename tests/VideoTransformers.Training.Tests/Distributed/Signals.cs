using System.Runtime.InteropServices;

namespace VideoTransformers.Training.Tests.Distributed;

/// <summary>POSIX signals the distributed tests send to worker processes.</summary>
internal static partial class Signals
{
    private const int SIGSTOP = 19;

    /// <summary>Freezes a process without closing anything it holds open (a hung peer rather than a dead one).</summary>
    public static void Stop(int pid)
    {
        if (kill(pid, SIGSTOP) != 0) throw new InvalidOperationException($"kill({pid}, SIGSTOP) failed with errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
