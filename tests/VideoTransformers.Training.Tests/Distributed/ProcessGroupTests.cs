using System.Runtime.InteropServices;
using FluentAssertions;
using VideoTransformers.Torch;
using VideoTransformers.Training.Distributed;
using VideoTransformers.Training.Distributed.Mpi;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static VideoTransformers.Training.Tests.Distributed.DistributedSupport;

namespace VideoTransformers.Training.Tests.Distributed;

// The test runner is not started by mpiexec, so MPI gives it a world of one; the two-rank behaviour is covered by
// DistributedTrainingTests through the worker program under mpiexec.
public class ProcessGroupTests
{
    [SkippableFact]
    public void A_world_of_one_leaves_all_reduce_and_broadcast_values_unchanged_and_passes_the_barrier()
    {
        RequireMpi();
        using var group = SoloGroup();
        group.Rank.Should().Be(0);
        group.WorldSize.Should().Be(1);
        group.IsMain.Should().BeTrue();
        group.Backend.Should().Contain("MPICH");
        float[] floats = [1.5f, -2f, 3e-8f, float.MaxValue, float.Epsilon];
        long[] longs = [1, -2, long.MaxValue];
        int[] ints = [7, int.MinValue];
        using var a = tensor(floats);
        using var b = tensor(longs);
        using var c = tensor(new double[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, [2, 3]);
        using var d = tensor(ints);
        using var e = zeros(0);

        group.all_reduce_(a, b, c, d, e);
        group.broadcast_(0, a, b, c, d, e);
        group.barrier();
        group.all_reduce_();

        a.data<float>().Should().Equal(floats);
        b.data<long>().Should().Equal(longs);
        c.data<double>().Should().Equal(0.1, 0.2, 0.3, 0.4, 0.5, 0.6);
        d.data<int>().Should().Equal(ints);
        c.shape.Should().Equal(2, 3);
    }

    [SkippableFact]
    public void The_backend_works_on_raw_memory_in_place()
    {
        RequireMpi();
        var world = MpiCommunicator.World();
        var values = new double[] { 1.25, -3, 1e300 };
        var handle = GCHandle.Alloc(values, GCHandleType.Pinned);
        try
        {
            world.AllReduceSum(handle.AddrOfPinnedObject(), values.Length, MpiElementType.Float64, TimeSpan.FromSeconds(30));
            world.Broadcast(handle.AddrOfPinnedObject(), values.Length * sizeof(double), 0, TimeSpan.FromSeconds(30));
            world.AllReduceSum(IntPtr.Zero, 0, MpiElementType.Float32, TimeSpan.FromSeconds(30));
        }
        finally
        {
            handle.Free();
        }
        values.Should().Equal(1.25, -3, 1e300);
        world.Failure.Should().BeNull();
        FluentActions.Invoking(() => world.AllReduceSum(IntPtr.Zero, 4, MpiElementType.Float32, TimeSpan.FromSeconds(1))).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => world.Broadcast(IntPtr.Zero, 0, 1, TimeSpan.FromSeconds(1))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0..0*");
        FluentActions.Invoking(() => world.Barrier(TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*timeout*");
    }

    [SkippableFact]
    public void Tensors_MPI_cannot_take_are_refused_before_any_collective()
    {
        RequireMpi();
        using var group = SoloGroup();
        using var m = arange(0, 6, dtype: float32).reshape(2, 3);
        using var transposed = m.t();
        using var fine = zeros(3);
        using var flags = zeros([3], ScalarType.Bool);
        group.Invoking(g => g.all_reduce_(fine, transposed)).Should().Throw<ArgumentException>().WithMessage("all_reduce: tensor 1 [3x2]*is not contiguous*");
        group.Invoking(g => g.broadcast_(0, transposed)).Should().Throw<ArgumentException>().WithMessage("*not contiguous*");
        group.Invoking(g => g.all_reduce_(flags)).Should().Throw<ArgumentException>().WithMessage("*Bool*cannot be summed over MPI*");
    }

    [SkippableFact]
    public void Broadcast_from_a_rank_outside_the_group_is_rejected()
    {
        RequireMpi();
        using var group = SoloGroup();
        using var t = zeros(3);
        group.Invoking(g => g.broadcast_(1, t)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0..0*");
        group.Invoking(g => g.broadcast_(-1, t)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [SkippableFact]
    public void A_disposed_group_refuses_collectives_and_a_new_one_joins_the_same_world()
    {
        RequireMpi();
        var group = SoloGroup();
        group.Dispose();
        group.Dispose();
        using var t = zeros(3);
        group.Invoking(g => g.all_reduce_(t)).Should().Throw<ObjectDisposedException>();
        group.Invoking(g => g.barrier()).Should().Throw<ObjectDisposedException>();
        using var again = SoloGroup();
        again.all_reduce_(t);
        again.WorldSize.Should().Be(1);
    }

    [Fact]
    public void A_missing_MPI_library_fails_with_a_message_that_says_what_to_install()
    {
        var env = new Dictionary<string, string?> { [MpiLibrary.PathVariable] = "/nonexistent/libmpi.so.12" };
        var act = () => MpiLibrary.Load(env.GetValueOrDefault);
        act.Should().Throw<MpiException>()
            .WithMessage("MPI is not available: VT_MPI_LIBRARY=/nonexistent/libmpi.so.12 could not be loaded. Install MPICH (Debian/Ubuntu: apt-get install mpich*");
    }

    [Fact]
    public void A_library_that_is_not_MPI_is_refused_with_the_same_advice()
    {
        var env = new Dictionary<string, string?> { [MpiLibrary.PathVariable] = "libc.so.6" };
        var act = () => MpiLibrary.Load(env.GetValueOrDefault);
        act.Should().Throw<MpiException>().WithMessage("libc.so.6 was loaded but is not a usable MPI library*apt-get install mpich*");
    }

    [Theory]
    [InlineData("PMI_RANK", true, false)]
    [InlineData("PMI_SIZE", true, false)]
    [InlineData("PMIX_RANK", true, false)]
    [InlineData("OMPI_COMM_WORLD_SIZE", true, true)]
    [InlineData("WORLD_SIZE", false, false)]
    [InlineData("RANK", false, false)]
    public void An_MPI_launch_is_recognised_from_the_environment_alone(string variable, bool launched, bool openMpi)
    {
        var env = new Dictionary<string, string?> { [variable] = "1" };
        MpiLaunch.IsLaunched(env.GetValueOrDefault).Should().Be(launched);
        MpiLaunch.IsOpenMpi(env.GetValueOrDefault).Should().Be(openMpi);
        MpiLaunch.IsLaunched(_ => null).Should().BeFalse();
    }

    [Fact]
    public void The_timeout_comes_from_the_environment_or_the_default()
    {
        ProcessGroup.TimeoutFromEnvironment(_ => null).Should().Be(ProcessGroup.DefaultTimeout);
        ProcessGroup.TimeoutFromEnvironment(_ => "12.5").Should().Be(TimeSpan.FromSeconds(12.5));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("soon")]
    [InlineData("1e12")]
    public void A_malformed_timeout_variable_is_named(string value) =>
        FluentActions.Invoking(() => ProcessGroup.TimeoutFromEnvironment(_ => value)).Should().Throw<ArgumentException>()
            .WithMessage($"*VT_DIST_TIMEOUT_SECONDS='{value}'*positive*");
}
