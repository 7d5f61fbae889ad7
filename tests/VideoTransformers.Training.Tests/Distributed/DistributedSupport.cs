using VideoTransformers.TestSupport;
using VideoTransformers.Training.Distributed;
using VideoTransformers.Training.Distributed.Mpi;
using Xunit;

namespace VideoTransformers.Training.Tests.Distributed;

/// <summary>Skips (or, under CI, fails) tests that need MPICH: its library for in-process worlds of one, mpiexec for several ranks.</summary>
internal static class DistributedSupport
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    public static void RequireMpi()
    {
        if (Missing.Value is not { } msg) return;
        if (SharedData.IsCI) throw new InvalidOperationException("CI=true and " + msg);
        Skip.If(true, msg);
    }

    /// <summary>This test process's MPI world (a world of one: the test runner is not started by mpiexec).</summary>
    public static ProcessGroup SoloGroup(TimeSpan? timeout = null) => ProcessGroup.Init(timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>The mpiexec found on PATH.</summary>
    public static string MpiExec => FindOnPath("mpiexec") ?? throw new InvalidOperationException("mpiexec is not on PATH (install mpich).");

    private static string? FindMissing()
    {
        try
        {
            MpiLibrary.Load();
        }
        catch (MpiException e)
        {
            return e.Message;
        }
        return FindOnPath("mpiexec") is null ? "mpiexec is not on PATH: install mpich (./build.sh deps) to run the distributed tests." : null;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
