using VideoTransformers.TestSupport;
using VideoTransformers.Training.Distributed;
using VideoTransformers.Training.Distributed.Mpi;
using Xunit;

namespace VideoTransformers.Training.Tests.Distributed;

/// <summary>Skips (or, under CI, fails) tests that need MPICH: its library for in-process worlds of one, mpiexec for several ranks.</summary>
internal static class DistributedSupport
{
    private static readonly Lazy<string?> MissingLibrary = new(() =>
    {
        try
        {
            MpiLibrary.Load();
            return null;
        }
        catch (MpiException e)
        {
            return e.Message;
        }
    });

    /// <summary>Requires the MPI library and mpiexec; returns mpiexec's path.</summary>
    public static string RequireMpi()
    {
        if (MissingLibrary.Value is { } msg)
        {
            if (SharedData.IsCI) throw new InvalidOperationException("CI=true and " + msg);
            Skip.If(true, msg);
        }
        return MpiExec.Require();
    }

    /// <summary>This test process's MPI world (a world of one: the test runner is not started by mpiexec).</summary>
    public static ProcessGroup SoloGroup(TimeSpan? timeout = null) => ProcessGroup.Init(timeout ?? TimeSpan.FromSeconds(30));
}
