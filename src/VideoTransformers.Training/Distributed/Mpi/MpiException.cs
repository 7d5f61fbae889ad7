namespace VideoTransformers.Training.Distributed.Mpi;

/// <summary>
/// MPI could not be loaded or started, or a collective failed or timed out. The message names the rank, the
/// operation and MPI's own error text, or (for a missing library) what to install.
/// </summary>
public sealed class MpiException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public MpiException(string message) : base(message) { }

    /// <summary>Creates the exception with its message and the inner cause.</summary>
    public MpiException(string message, Exception inner) : base(message, inner) { }
}
