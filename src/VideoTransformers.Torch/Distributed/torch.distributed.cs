using Microsoft.Extensions.Logging;

namespace VideoTransformers.Torch;

public static partial class torch
{
    /// <summary>Data-parallel communication (torch.distributed): process groups over c10d's TCPStore and Gloo.</summary>
    public static class distributed
    {
        /// <summary>True when the native shim was built with c10d Gloo.</summary>
        public static bool is_available() => ProcessGroup.IsAvailable;

        /// <summary>Joins a process group (see <see cref="ProcessGroup.Init(string, int, int, int, TimeSpan, ILogger?)"/>).</summary>
        public static ProcessGroup init_process_group(string host, int port, int rank, int world_size, TimeSpan timeout, ILogger? logger = null) =>
            ProcessGroup.Init(host, port, rank, world_size, timeout, logger);

        /// <summary>Joins the process group described by torchrun-style environment variables (see <see cref="ProcessGroup.FromEnvironment"/>).</summary>
        public static ProcessGroup init_process_group(ILogger? logger = null) => ProcessGroup.FromEnvironment(logger);
    }
}
