namespace VideoTransformers.Training.Distributed.Mpi;

/// <summary>The element types <see cref="MpiCommunicator.AllReduceSum"/> can sum (MPI has no half-precision sum).</summary>
public enum MpiElementType
{
    /// <summary>32-bit IEEE float (<c>MPI_FLOAT</c>).</summary>
    Float32,
    /// <summary>64-bit IEEE float (<c>MPI_DOUBLE</c>).</summary>
    Float64,
    /// <summary>32-bit signed integer (<c>MPI_INT</c>).</summary>
    Int32,
    /// <summary>64-bit signed integer (<c>MPI_INT64_T</c>).</summary>
    Int64,
}
