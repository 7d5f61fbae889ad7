using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;
using VideoTransformers.Training.Distributed.Mpi;

namespace VideoTransformers.Training.Distributed;

/// <summary>
/// The processes that train together, one per rank: MPI's world, as <c>mpiexec -n N</c> started it. The collectives
/// work in place on each tensor's memory (the span <see cref="Tensor.bytes"/> covers), so nothing is copied into managed memory.
/// Every call fails with an <see cref="MpiException"/> after <see cref="Timeout"/> instead of hanging on a peer that
/// stopped responding.
/// <para>
/// Collectives must be called by every rank in the same order with tensors of the same shapes and dtypes, as in
/// PyTorch. Calls are serialised; a group is not meant to be shared by concurrent training loops.
/// </para>
/// </summary>
public sealed class ProcessGroup : IDisposable
{
    /// <summary>The timeout used when none is configured: long enough for a slow validation pass on a peer, short enough that a hung peer is noticed.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The environment variable holding the collective timeout in seconds (optional).</summary>
    public const string TimeoutVariable = "VT_DIST_TIMEOUT_SECONDS";

    private readonly MpiCommunicator _mpi;
    private bool _disposed;

    private ProcessGroup(MpiCommunicator mpi, TimeSpan timeout)
    {
        _mpi = mpi;
        Timeout = timeout;
    }

    /// <summary>True when this process was started by an MPI launcher (mpiexec); decided from the environment alone, no MPI library needed.</summary>
    public static bool IsLaunchedByMpi => MpiLaunch.IsLaunched();

    /// <summary>This process's rank.</summary>
    public int Rank => _mpi.Rank;

    /// <summary>The number of processes in the group.</summary>
    public int WorldSize => _mpi.Size;

    /// <summary>True on rank 0, the rank that writes a run's files.</summary>
    public bool IsMain => Rank == 0;

    /// <summary>How long a collective waits for the other ranks before it fails.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The MPI library in use and its version.</summary>
    public string Backend => $"{_mpi.LibraryVersion} ({_mpi.LibraryPath})";

    /// <summary>
    /// Joins MPI's world: the ranks mpiexec started, or a world of one for a program started on its own. The timeout
    /// is <paramref name="timeout"/>, else <c>VT_DIST_TIMEOUT_SECONDS</c>, else <see cref="DefaultTimeout"/>.
    /// </summary>
    /// <exception cref="MpiException">No usable MPI library (the message names what to install), Open MPI's launcher, or MPI failed to start.</exception>
    /// <exception cref="ArgumentException"><c>VT_DIST_TIMEOUT_SECONDS</c> is not a positive number.</exception>
    public static ProcessGroup Init(TimeSpan? timeout = null, ILogger? logger = null)
    {
        if (MpiLaunch.IsOpenMpi())
            throw new MpiException("This process was started by Open MPI's mpirun; VideoTransformers supports MPICH-compatible MPI only " +
                                   "(see docs/distributed.md). Launch with MPICH's mpiexec. " + MpiLibrary.InstallHint);
        var t = timeout ?? TimeoutFromEnvironment();
        if (t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), t, "The timeout must be positive.");
        return new ProcessGroup(MpiCommunicator.World(logger), t);
    }

    /// <summary>Reads <c>VT_DIST_TIMEOUT_SECONDS</c>; <see cref="DefaultTimeout"/> when it is not set.</summary>
    /// <param name="getVariable">Looks a variable up; defaults to the process environment (tests pass a dictionary).</param>
    /// <exception cref="ArgumentException">The variable is not a positive number of seconds.</exception>
    public static TimeSpan TimeoutFromEnvironment(Func<string, string?>? getVariable = null)
    {
        var t = (getVariable ?? Environment.GetEnvironmentVariable)(TimeoutVariable);
        if (string.IsNullOrWhiteSpace(t)) return DefaultTimeout;
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds < int.MaxValue / 1000.0
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"The environment variable {TimeoutVariable}='{t}' is not a positive number of seconds.");
    }

    /// <summary>Sums each tensor element-wise across all ranks, in place (one collective per tensor, in order).</summary>
    /// <remarks>The tensors must be contiguous CPU tensors of float32, float64, int32 or int64, with the same shape on every rank.</remarks>
    /// <exception cref="ArgumentException">A tensor is not contiguous, not on the CPU, or of another dtype.</exception>
    /// <exception cref="MpiException">The collective failed or timed out (a peer exited or hangs).</exception>
    public void all_reduce_(params Tensor[] tensors)
    {
        foreach (var t in Checked("all_reduce", tensors))
        {
            _mpi.AllReduceSum(Address(t), t.numel(), ElementType(t), Timeout);
            GC.KeepAlive(t);
        }
    }

    /// <summary>Overwrites each tensor with rank <paramref name="root"/>'s values, in place (one collective per tensor, in order).</summary>
    /// <exception cref="ArgumentException">A tensor is not contiguous or not on the CPU.</exception>
    /// <exception cref="MpiException">The collective failed or timed out.</exception>
    public void broadcast_(int root, params Tensor[] tensors)
    {
        if (root < 0 || root >= WorldSize) throw new ArgumentOutOfRangeException(nameof(root), root, $"The root must be a rank in 0..{WorldSize - 1}.");
        foreach (var t in Checked($"broadcast from rank {root}", tensors))
        {
            _mpi.Broadcast(Address(t), t.numel() * t.element_size(), root, Timeout);
            GC.KeepAlive(t);
        }
    }

    /// <summary>Blocks until every rank has reached the barrier (or the timeout has passed).</summary>
    /// <exception cref="MpiException">The barrier failed or timed out.</exception>
    public void barrier()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _mpi.Barrier(Timeout);
    }

    /// <summary>
    /// Makes this object refuse further collectives. MPI itself stays up until the process exits, because MPI cannot be
    /// restarted once finalized; another <see cref="Init"/> in the same process joins the same world.
    /// </summary>
    public void Dispose() => _disposed = true;

    // Every tensor is checked before the first collective, so a bad one never leaves the ranks half-way through a list.
    private List<Tensor> Checked(string what, Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var list = new List<Tensor>(tensors.Length);
        for (var i = 0; i < tensors.Length; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"tensor {i} is null");
            // MPI reads numel() elements from data_ptr(): a strided view would silently exchange the wrong elements.
            if (!t.is_contiguous())
                throw new ArgumentException($"{what}: tensor {i} {t} is not contiguous; pass t.contiguous() and copy the result back.", nameof(tensors));
            if (t.device_type != DeviceType.CPU)
                throw new ArgumentException($"{what}: tensor {i} {t} is on {t.device}; MPI collectives here take CPU tensors.", nameof(tensors));
            if (what == "all_reduce") ElementType(t);
            list.Add(t);
        }
        return list;
    }

    // The address of a contiguous CPU tensor's first element (offset included), which MPI reads and writes in place.
    // The memory is libtorch's, not the GC's, so it does not move; the caller keeps the tensor alive across the call.
    // An empty tensor has no memory to point at, and MPI accepts a null buffer for a count of zero.
    private static unsafe IntPtr Address(Tensor t) =>
        t.numel() == 0 ? IntPtr.Zero : (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));

    private static MpiElementType ElementType(Tensor t) => t.dtype switch
    {
        ScalarType.Float32 => MpiElementType.Float32,
        ScalarType.Float64 => MpiElementType.Float64,
        ScalarType.Int32 => MpiElementType.Int32,
        ScalarType.Int64 => MpiElementType.Int64,
        var d => throw new ArgumentException($"all_reduce: {d} tensors cannot be summed over MPI; use float32, float64, int32 or int64."),
    };
}
