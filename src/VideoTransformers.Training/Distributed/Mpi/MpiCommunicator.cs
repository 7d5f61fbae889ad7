using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VideoTransformers.Training.Distributed.Mpi;

/// <summary>
/// The collective backend: MPI's <c>MPI_COMM_WORLD</c>, driven over raw memory (an address and an element or byte
/// count), so that it works on any tensor library's buffers without a managed copy. One per process: MPI can be
/// started once and never restarted, so <see cref="World"/> starts it on first use and it is finalized when the
/// process exits (unless a collective failed, when peers may be gone and finalizing could wait for them).
/// <para>
/// Every collective is started non-blocking and polled, so that it fails with an <see cref="MpiException"/> after
/// the caller's timeout instead of hanging on a peer that stopped responding; errors are returned rather than fatal
/// (<c>MPI_ERRORS_RETURN</c>). After a failure the communicator refuses further collectives. Calls are serialised; the
/// MPI thread level is <c>MPI_THREAD_SERIALIZED</c>, so any thread may call, one at a time.
/// </para>
/// </summary>
public sealed unsafe class MpiCommunicator
{
    // MPI counts are C ints: larger buffers go in pieces of at most this many elements.
    private const int MaxChunk = 1 << 30;
    private static readonly object InitGate = new();
    private static MpiCommunicator? _world;
    private readonly MpiLibrary _mpi;
    private readonly object _gate = new();
    private readonly ILogger _logger;
    private string? _failure;

    private MpiCommunicator(MpiLibrary mpi, int rank, int size, ILogger logger)
    {
        _mpi = mpi;
        Rank = rank;
        Size = size;
        _logger = logger;
    }

    /// <summary>This process's rank in <c>MPI_COMM_WORLD</c>.</summary>
    public int Rank { get; }

    /// <summary>The number of processes in <c>MPI_COMM_WORLD</c> (1 when the program was not started by mpiexec).</summary>
    public int Size { get; }

    /// <summary>The MPI library file in use.</summary>
    public string LibraryPath => _mpi.Path;

    /// <summary>The MPI library's version text (its first line).</summary>
    public string LibraryVersion => string.Join(' ', _mpi.Version.Split('\n')[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Why the communicator stopped working, or null while it works.</summary>
    public string? Failure => _failure;

    /// <summary>
    /// The world communicator, starting MPI on first use: the library is loaded (<c>VT_MPI_LIBRARY</c>, else
    /// libmpi.so.12 / libmpich.so.12), <c>MPI_Init_thread</c> is called unless the program already did, and errors on
    /// <c>MPI_COMM_WORLD</c> are set to return. Outside mpiexec MPICH starts a world of one.
    /// </summary>
    /// <param name="logger">Receives the MPI version and rank once, at start; optional.</param>
    /// <exception cref="MpiException">No usable MPI library (the message says what to install), or MPI failed to start.</exception>
    public static MpiCommunicator World(ILogger? logger = null)
    {
        lock (InitGate)
        {
            return _world ??= Start(MpiLibrary.Load(), logger ?? NullLogger.Instance);
        }
    }

    /// <summary>
    /// Sums <paramref name="count"/> elements at <paramref name="data"/> across all ranks, in place: every rank ends
    /// with the element-wise sum. Every rank must call it with the same count and type.
    /// </summary>
    /// <exception cref="MpiException">The collective failed, or did not complete within <paramref name="timeout"/>.</exception>
    public void AllReduceSum(IntPtr data, long count, MpiElementType type, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > 0 && data == IntPtr.Zero) throw new ArgumentNullException(nameof(data));
        var (datatype, size) = Datatype(type);
        Run($"all-reduce of {count} {type} elements", timeout, (chunk, offset) =>
        {
            var request = 0;
            var rc = _mpi.Iallreduce(MpiLibrary.InPlace, (byte*)data + offset * size, chunk, datatype, MpiLibrary.Sum, MpiLibrary.CommWorld, &request);
            return (rc, request);
        }, count);
    }

    /// <summary>Overwrites <paramref name="bytes"/> bytes at <paramref name="data"/> with rank <paramref name="root"/>'s.</summary>
    /// <exception cref="MpiException">The collective failed, or did not complete within <paramref name="timeout"/>.</exception>
    public void Broadcast(IntPtr data, long bytes, int root, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (root < 0 || root >= Size) throw new ArgumentOutOfRangeException(nameof(root), root, $"The root must be a rank in 0..{Size - 1}.");
        if (bytes > 0 && data == IntPtr.Zero) throw new ArgumentNullException(nameof(data));
        Run($"broadcast of {bytes} bytes from rank {root}", timeout, (chunk, offset) =>
        {
            var request = 0;
            var rc = _mpi.Ibcast((byte*)data + offset, chunk, MpiLibrary.Byte, root, MpiLibrary.CommWorld, &request);
            return (rc, request);
        }, bytes);
    }

    /// <summary>Returns once every rank has entered the barrier.</summary>
    /// <exception cref="MpiException">The barrier failed, or not every rank arrived within <paramref name="timeout"/>.</exception>
    public void Barrier(TimeSpan timeout) => Run("barrier", timeout, (_, _) =>
    {
        var request = 0;
        var rc = _mpi.Ibarrier(MpiLibrary.CommWorld, &request);
        return (rc, request);
    }, 1);

    private static MpiCommunicator Start(MpiLibrary mpi, ILogger logger)
    {
        int initialized = 0, finalized = 0;
        Check(mpi, mpi.Initialized(&initialized), "MPI_Initialized");
        Check(mpi, mpi.Finalized(&finalized), "MPI_Finalized");
        if (finalized != 0) throw new MpiException("MPI was already finalized in this process and cannot be started again.");
        var ownsInit = initialized == 0;
        if (ownsInit)
        {
            var provided = 0;
            Check(mpi, mpi.InitThread(null, null, MpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
            if (provided < MpiLibrary.ThreadSerialized)
                logger.LogWarning("MPI provides thread level {Provided} < MPI_THREAD_SERIALIZED; collectives should then come from the thread that started MPI", provided);
        }
        Check(mpi, mpi.CommSetErrhandler(MpiLibrary.CommWorld, MpiLibrary.ErrorsReturn), "MPI_Comm_set_errhandler");
        int rank = 0, size = 0;
        Check(mpi, mpi.CommRank(MpiLibrary.CommWorld, &rank), "MPI_Comm_rank");
        Check(mpi, mpi.CommSize(MpiLibrary.CommWorld, &size), "MPI_Comm_size");
        var world = new MpiCommunicator(mpi, rank, size, logger);
        if (ownsInit) AppDomain.CurrentDomain.ProcessExit += (_, _) => world.FinalizeAtExit();
        logger.LogInformation("MPI rank {Rank} of {Size} ({Version}, {Library})", rank, size, world.LibraryVersion, mpi.Path);
        return world;
    }

    private void FinalizeAtExit()
    {
        lock (_gate)
        {
            var finalized = 0;
            if (_failure is null && _mpi.Finalized(&finalized) == MpiLibrary.Success && finalized == 0) _mpi.Finalize();
        }
    }

    // Starts one non-blocking collective per chunk of at most MaxChunk units and polls it to completion or timeout.
    private void Run(string what, TimeSpan timeout, Func<int, long, (int Rc, int Request)> start, long units)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive.");
        lock (_gate)
        {
            if (_failure is not null)
                throw new MpiException($"Rank {Rank} of {Size}: {what} refused: an earlier collective failed ({_failure}).");
            var clock = Stopwatch.StartNew();
            for (long offset = 0; offset < units; offset += MaxChunk)
            {
                var (rc, request) = start((int)Math.Min(MaxChunk, units - offset), offset);
                if (rc != MpiLibrary.Success) throw Fail(what, _mpi.Describe(rc));
                Wait(what, request, clock, timeout);
            }
        }
    }

    private void Wait(string what, int request, Stopwatch clock, TimeSpan timeout)
    {
        // MPI progresses a request only inside MPI calls, so this polls like MPI_Wait does, yielding the core between
        // polls once the first few did not finish it (ranks on one machine share cores).
        for (var polls = 0; ; polls++)
        {
            var done = 0;
            var rc = _mpi.Test(&request, &done, MpiLibrary.StatusIgnore);
            if (rc != MpiLibrary.Success) throw Fail(what, _mpi.Describe(rc));
            if (done != 0) return;
            if (polls < 1000) continue;
            if ((polls & 255) == 0 && clock.Elapsed > timeout)
                throw Fail(what, $"timed out after {clock.Elapsed.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s");
            Thread.Yield();
        }
    }

    private MpiException Fail(string what, string reason)
    {
        _failure = $"{what}: {reason}";
        var e = new MpiException($"Rank {Rank} of {Size}: {what} failed: {reason}. A peer process has probably exited or stopped responding; " +
                                 "MPI cannot be used any more in this process.");
        _logger.LogError("{Message}", e.Message);
        return e;
    }

    private static (int Datatype, int Size) Datatype(MpiElementType type) => type switch
    {
        MpiElementType.Float32 => (MpiLibrary.Float, 4),
        MpiElementType.Float64 => (MpiLibrary.Double, 8),
        MpiElementType.Int32 => (MpiLibrary.Int, 4),
        MpiElementType.Int64 => (MpiLibrary.Int64, 8),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an MPI element type"),
    };

    private static void Check(MpiLibrary mpi, int rc, string call)
    {
        if (rc != MpiLibrary.Success) throw new MpiException($"{call} failed: {mpi.Describe(rc)} ({mpi.Path}).");
    }
}
