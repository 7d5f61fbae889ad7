using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using VideoTransformers.Torch;
using Xunit;
using static VideoTransformers.Torch.torch;
using static VideoTransformers.Training.Tests.Distributed.DistributedSupport;

namespace VideoTransformers.Training.Tests.Distributed;

// One process is one rank, so the collectives are exercised here with a world of one; the two-process behaviour is
// covered by DistributedTrainingTests through the worker program.
public class ProcessGroupTests
{
    [SkippableFact]
    public void A_world_of_one_leaves_all_reduce_and_broadcast_values_unchanged_and_passes_the_barrier()
    {
        RequireGloo();
        using var group = SoloGroup();
        group.Rank.Should().Be(0);
        group.WorldSize.Should().Be(1);
        group.IsMain.Should().BeTrue();
        float[] floats = [1.5f, -2f, 3e-8f, float.MaxValue, float.Epsilon];
        long[] longs = [1, -2, long.MaxValue];
        using var a = tensor(floats);
        using var b = tensor(longs);
        using var c = tensor(new double[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, [2, 3]);

        group.all_reduce_(a, b, c);
        group.broadcast_(0, a, b, c);
        group.barrier();
        group.all_reduce_();

        a.data<float>().Should().Equal(floats);
        b.data<long>().Should().Equal(longs);
        c.data<double>().Should().Equal(0.1, 0.2, 0.3, 0.4, 0.5, 0.6);
        c.shape.Should().Equal(2, 3);
    }

    [SkippableFact]
    public void A_non_contiguous_tensor_is_refused_before_it_reaches_gloo()
    {
        RequireGloo();
        using var group = SoloGroup();
        using var m = arange(0, 6, dtype: float32).reshape(2, 3);
        using var transposed = m.t();
        using var fine = zeros(3);
        group.Invoking(g => g.all_reduce_(fine, transposed)).Should().Throw<ArgumentException>().WithMessage("all_reduce: tensor 1 [3x2]*is not contiguous*");
        group.Invoking(g => g.broadcast_(0, transposed)).Should().Throw<ArgumentException>().WithMessage("*not contiguous*");
    }

    [SkippableFact]
    public void Broadcast_from_a_rank_outside_the_group_is_rejected()
    {
        RequireGloo();
        using var group = SoloGroup();
        using var t = zeros(3);
        group.Invoking(g => g.broadcast_(1, t)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0..0*");
        group.Invoking(g => g.broadcast_(-1, t)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [SkippableFact]
    public void A_disposed_group_refuses_collectives()
    {
        RequireGloo();
        var group = SoloGroup();
        group.Dispose();
        group.Dispose();
        using var t = zeros(3);
        group.Invoking(g => g.all_reduce_(t)).Should().Throw<ObjectDisposedException>();
        group.Invoking(g => g.barrier()).Should().Throw<ObjectDisposedException>();
    }

    [SkippableFact]
    public void Rank_0_waiting_for_a_peer_that_never_comes_fails_after_the_timeout_with_the_rank_and_address()
    {
        RequireGloo();
        var port = FreePort();
        var act = () => ProcessGroup.Init(Loopback, port, 0, 2, TimeSpan.FromSeconds(2));
        act.Should().Throw<TorchException>().WithMessage($"Rank 0 of 2 (rendezvous 127.0.0.1:{port}): could not join the process group: *");
    }

    [SkippableFact]
    public void A_rank_without_a_rank_0_to_talk_to_fails_after_the_timeout_and_says_what_to_check()
    {
        RequireGloo();
        var port = FreePort();
        var act = () => ProcessGroup.Init(Loopback, port, 1, 2, TimeSpan.FromSeconds(2));
        act.Should().Throw<TorchException>()
            .WithMessage($"Rank 1 of 2 (rendezvous 127.0.0.1:{port}): could not join the process group: *Is rank 0 running and listening on 127.0.0.1:{port}?");
    }

    [SkippableFact]
    public void Rank_0_cannot_host_the_store_on_a_port_that_is_taken()
    {
        RequireGloo();
        var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var act = () => ProcessGroup.Init(Loopback, port, 0, 1, TimeSpan.FromSeconds(2));
            act.Should().Throw<TorchException>().WithMessage($"Rank 0 of 1 (rendezvous 127.0.0.1:{port}): could not join the process group: *");
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void Invalid_ranks_world_sizes_ports_and_timeouts_are_rejected_before_any_connection()
    {
        var act = () => ProcessGroup.Init(Loopback, 1234, 2, 2, TimeSpan.FromSeconds(1));
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0..1*");
        act = () => ProcessGroup.Init(Loopback, 1234, 0, 0, TimeSpan.FromSeconds(1));
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*world size*");
        act = () => ProcessGroup.Init(Loopback, 0, 0, 1, TimeSpan.FromSeconds(1));
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*port*");
        act = () => ProcessGroup.Init(Loopback, 1234, 0, 1, TimeSpan.Zero);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*timeout*");
        act = () => ProcessGroup.Init(" ", 1234, 0, 1, TimeSpan.FromSeconds(1));
        act.Should().Throw<ArgumentException>().WithMessage("*host*");
    }

    [Fact]
    public void Torchrun_variables_give_the_settings()
    {
        var env = new Dictionary<string, string>
        {
            ["RANK"] = "3", ["WORLD_SIZE"] = "4", ["MASTER_ADDR"] = "127.0.0.2", ["MASTER_PORT"] = "29500", ["VT_DIST_TIMEOUT_SECONDS"] = "12.5",
        };
        var s = ProcessGroupSettings.FromEnvironment(k => env.GetValueOrDefault(k));
        s.Should().Be(new ProcessGroupSettings { Host = "127.0.0.2", Port = 29500, Rank = 3, WorldSize = 4, Timeout = TimeSpan.FromSeconds(12.5) });

        env.Remove("VT_DIST_TIMEOUT_SECONDS");
        ProcessGroupSettings.FromEnvironment(k => env.GetValueOrDefault(k)).Timeout.Should().Be(ProcessGroupSettings.DefaultTimeout);
    }

    [Theory]
    [InlineData("MASTER_PORT", null, "*MASTER_PORT is not set*")]
    [InlineData("MASTER_ADDR", "", "*MASTER_ADDR is not set*")]
    [InlineData("RANK", "one", "*RANK='one' is not an integer*")]
    [InlineData("RANK", "2", "*0..1*")]
    [InlineData("VT_DIST_TIMEOUT_SECONDS", "-1", "*VT_DIST_TIMEOUT_SECONDS='-1'*positive*")]
    public void Missing_or_malformed_torchrun_variables_are_named(string variable, string? value, string message)
    {
        var env = new Dictionary<string, string?> { ["RANK"] = "0", ["WORLD_SIZE"] = "2", ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = "29500" };
        env[variable] = value;
        var act = () => ProcessGroupSettings.FromEnvironment(k => env.GetValueOrDefault(k));
        act.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Theory]
    [InlineData("127.0.0.1:29500", "127.0.0.1", 29500)]
    [InlineData("localhost:1", "localhost", 1)]
    [InlineData("[::1]:65535", "::1", 65535)]
    public void Addresses_parse_into_host_and_port(string address, string host, int port) =>
        ProcessGroupSettings.ParseAddress(address).Should().Be((host, port));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData(":29500")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("127.0.0.1:-5")]
    public void Malformed_addresses_are_rejected(string address) =>
        FluentActions.Invoking(() => ProcessGroupSettings.ParseAddress(address)).Should().Throw<FormatException>().WithMessage($"*{address}*");
}
