using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoTransformers.Torch.Native;

namespace VideoTransformers.Torch;

/// <summary>
/// A group of processes that train together, one per rank, over libtorch's c10d: rank 0 hosts a TCPStore for the
/// rendezvous and the collectives run on ProcessGroupGloo (CPU tensors; a CUDA build of libtorch moves CUDA tensors
/// through host memory). Every blocking call fails with a <see cref="TorchException"/> after
/// <see cref="ProcessGroupSettings.Timeout"/> instead of hanging, so a dead or stuck peer turns into an error.
/// <para>
/// Collectives must be called by every rank in the same order with tensors of the same shapes and dtypes, as in
/// PyTorch. Calls on one group are serialised; a group is not meant to be shared by concurrent training loops.
/// </para>
/// </summary>
public sealed class ProcessGroup : IDisposable
{
    private readonly ProcessGroupHandle _handle;
    private readonly object _gate = new();
    private readonly ILogger _logger;

    private ProcessGroup(ProcessGroupHandle handle, ProcessGroupSettings settings, ILogger logger)
    {
        _handle = handle;
        Settings = settings;
        _logger = logger;
    }

    /// <summary>True when the native shim was built with c10d Gloo (Debian: libgloo-dev at build time).</summary>
    public static bool IsAvailable => NativeMethods.vt_dist_available() == 1;

    /// <summary>How this group was joined.</summary>
    public ProcessGroupSettings Settings { get; }

    /// <summary>This process's rank.</summary>
    public int Rank => Settings.Rank;

    /// <summary>The number of processes in the group.</summary>
    public int WorldSize => Settings.WorldSize;

    /// <summary>True on rank 0, the rank that writes a run's files.</summary>
    public bool IsMain => Settings.Rank == 0;

    /// <summary>
    /// Joins a group of <paramref name="worldSize"/> processes; blocks until all of them have joined or
    /// <paramref name="timeout"/> has passed. Rank 0 listens on <paramref name="host"/>:<paramref name="port"/>.
    /// </summary>
    /// <exception cref="TorchException">The rendezvous failed (port taken, peers missing after the timeout, …) or the shim has no c10d Gloo.</exception>
    public static ProcessGroup Init(string host, int port, int rank, int worldSize, TimeSpan timeout, ILogger? logger = null) =>
        Init(new ProcessGroupSettings { Host = host, Port = port, Rank = rank, WorldSize = worldSize, Timeout = timeout }, logger);

    /// <summary>Joins a group as <paramref name="settings"/> say; see <see cref="Init(string, int, int, int, TimeSpan, ILogger?)"/>.</summary>
    public static ProcessGroup Init(ProcessGroupSettings settings, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureValid();
        logger ??= NullLogger.Instance;
        if (!IsAvailable)
            throw new TorchException(Context(settings, "cannot join the process group") + ": distributed training is not available, the native shim was built without c10d Gloo (install libgloo-dev and rebuild).");
        logger.LogInformation("Rank {Rank}/{World}: joining the process group at {Host}:{Port} (timeout {Timeout}s)",
            settings.Rank, settings.WorldSize, settings.Host, settings.Port, settings.Timeout.TotalSeconds);
        var h = NativeMethods.vt_dist_init(settings.Host, settings.Port, settings.Rank, settings.WorldSize, (int)settings.Timeout.TotalMilliseconds);
        if (h == IntPtr.Zero)
            throw new TorchException(Context(settings, "could not join the process group") + ": " + Check.LastError() +
                                     (settings.Rank == 0 ? "" : $". Is rank 0 running and listening on {settings.Host}:{settings.Port}?"));
        logger.LogInformation("Rank {Rank}/{World}: process group ready", settings.Rank, settings.WorldSize);
        return new ProcessGroup(new ProcessGroupHandle(h), settings, logger);
    }

    /// <summary>
    /// Joins the group described by torchrun-style environment variables (<c>RANK</c>, <c>WORLD_SIZE</c>,
    /// <c>MASTER_ADDR</c>, <c>MASTER_PORT</c>, optional <c>VT_DIST_TIMEOUT_SECONDS</c>).
    /// </summary>
    public static ProcessGroup FromEnvironment(ILogger? logger = null) => Init(ProcessGroupSettings.FromEnvironment(), logger);

    /// <summary>Sums each tensor element-wise across all ranks, in place (one collective per tensor, in order).</summary>
    /// <remarks>The tensors must be contiguous and have the same shape and dtype on every rank.</remarks>
    /// <exception cref="ArgumentException">A tensor is not contiguous.</exception>
    /// <exception cref="TorchException">The collective failed or timed out (a peer exited or hangs).</exception>
    public void all_reduce_(params Tensor[] tensors) => Collective("all_reduce", tensors, root: -1);

    /// <summary>Overwrites each tensor with rank <paramref name="root"/>'s values, in place (one collective per tensor, in order).</summary>
    public void broadcast_(int root, params Tensor[] tensors)
    {
        if (root < 0 || root >= WorldSize) throw new ArgumentOutOfRangeException(nameof(root), root, $"The root must be a rank in 0..{WorldSize - 1}.");
        Collective($"broadcast from rank {root}", tensors, root);
    }

    /// <summary>Blocks until every rank has reached the barrier (or the timeout has passed).</summary>
    public void barrier()
    {
        lock (_gate)
        {
            var h = Handle();
            if (NativeMethods.vt_dist_barrier(h) < 0) throw Failure("barrier", Check.LastError());
        }
    }

    /// <summary>Leaves the group and closes its connections; peers still waiting in a collective will see an error.</summary>
    public void Dispose()
    {
        lock (_gate) _handle.Dispose();
    }

    // root < 0 means all-reduce, otherwise broadcast from that rank.
    private unsafe void Collective(string what, Tensor[] tensors, int root)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) return;
        lock (_gate)
        {
            var group = Handle();
            var hs = new IntPtr[tensors.Length];
            for (var i = 0; i < tensors.Length; i++)
            {
                var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"tensor {i} is null");
                // Gloo reads numel() elements from data_ptr(): a strided view would silently exchange the wrong elements.
                if (!t.is_contiguous())
                    throw new ArgumentException($"{what}: tensor {i} {t} is not contiguous; pass t.contiguous() and copy the result back.", nameof(tensors));
                hs[i] = t.Handle;
            }
            int rc;
            fixed (IntPtr* p = hs)
                rc = root < 0 ? NativeMethods.vt_dist_allreduce(group, p, hs.Length) : NativeMethods.vt_dist_broadcast(group, p, hs.Length, root);
            // The tensors must outlive the native call; without this the GC could finalise one mid-collective.
            GC.KeepAlive(tensors);
            if (rc < 0) throw Failure(what, Check.LastError());
        }
    }

    private IntPtr Handle()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        return _handle.DangerousGetHandle();
    }

    private TorchException Failure(string what, string native)
    {
        native = native.Trim();
        if (!native.EndsWith('.') && !native.EndsWith('!')) native += ".";
        var e = new TorchException(Context(Settings, what + " failed") + ": " + native +
                                   $" A peer process has probably exited or stopped responding (timeout {Seconds(Settings.Timeout)}s); the group cannot be used any more.");
        _logger.LogError("{Message}", e.Message);
        return e;
    }

    private static string Context(ProcessGroupSettings s, string what) =>
        $"Rank {s.Rank} of {s.WorldSize} (rendezvous {s.Host}:{s.Port}): {what}";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
