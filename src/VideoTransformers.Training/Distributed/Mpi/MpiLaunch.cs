namespace VideoTransformers.Training.Distributed.Mpi;

/// <summary>
/// Tells from the environment whether this process was started by an MPI launcher (<c>mpiexec</c>, <c>mpirun</c>),
/// without loading any MPI library, so that a program started on its own never needs one.
/// </summary>
public static class MpiLaunch
{
    /// <summary>Set by MPICH's Hydra (and MS-MPI's) process manager for every rank.</summary>
    public static readonly string[] PmiVariables = ["PMI_RANK", "PMI_SIZE"];

    /// <summary>Set by Open MPI's launcher for every rank (Open MPI itself is not supported; see docs/distributed.md).</summary>
    public static readonly string[] OpenMpiVariables = ["OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"];

    /// <summary>True when any of <see cref="PmiVariables"/>, <see cref="OpenMpiVariables"/> or <c>PMIX_RANK</c> is set.</summary>
    /// <param name="getVariable">Looks a variable up; defaults to the process environment (tests pass a dictionary).</param>
    public static bool IsLaunched(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        return PmiVariables.Concat(OpenMpiVariables).Append("PMIX_RANK").Any(v => !string.IsNullOrEmpty(getVariable(v)));
    }

    /// <summary>True when Open MPI's launcher started this process.</summary>
    public static bool IsOpenMpi(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        return OpenMpiVariables.Any(v => !string.IsNullOrEmpty(getVariable(v)));
    }
}
