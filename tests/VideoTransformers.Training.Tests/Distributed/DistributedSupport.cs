using System.Net;
using System.Net.Sockets;
using VideoTransformers.TestSupport;
using VideoTransformers.Torch;
using Xunit;

namespace VideoTransformers.Training.Tests.Distributed;

/// <summary>Skips (or, under CI, fails) tests that need a shim built with c10d Gloo, and finds free loopback ports.</summary>
internal static class DistributedSupport
{
    public const string Loopback = "127.0.0.1";

    public static void RequireGloo()
    {
        if (ProcessGroup.IsAvailable) return;
        const string msg = "The native shim was built without c10d Gloo (vt_dist_available() = 0): install libgloo-dev and rebuild to run the distributed tests.";
        if (SharedData.IsCI) throw new InvalidOperationException("CI=true and " + msg);
        Skip.If(true, msg);
    }

    /// <summary>A port that was free a moment ago (the OS picks it for a listener on port 0, which is then closed).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    public static ProcessGroup SoloGroup(TimeSpan? timeout = null) =>
        ProcessGroup.Init(Loopback, FreePort(), 0, 1, timeout ?? TimeSpan.FromSeconds(30));
}
