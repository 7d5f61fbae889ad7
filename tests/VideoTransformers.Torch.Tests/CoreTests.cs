using FluentAssertions;
using VideoTransformers.Torch;
using Xunit;
using static VideoTransformers.Torch.torch;

namespace VideoTransformers.Torch.Tests;

[Collection(ProcessStateCollection.Name)] // Dispose_scope_frees_temporaries_and_keeps_moved_results reads live_tensor_count()
public class CoreTests
{
    [Fact]
    public void Creation_and_copy_out_round_trip()
    {
        using var scope = NewDisposeScope();
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var t = tensor(data, new long[] { 2, 3 });
        t.shape.Should().Equal(2, 3);
        t.dtype.Should().Be(ScalarType.Float32);
        t.data<float>().Should().Equal(data);
        (t * 2.0 + 1.0).data<float>().Should().Equal(3, 5, 7, 9, 11, 13);
        t.sum().item<float>().Should().Be(21);
        t.transpose(0, 1).contiguous().data<float>().Should().Equal(1, 4, 2, 5, 3, 6);
    }

    [Fact]
    public void Integer_scalars_keep_integer_dtype()
    {
        using var scope = NewDisposeScope();
        var t = arange(5);
        t.dtype.Should().Be(ScalarType.Int64);
        (t * 2).dtype.Should().Be(ScalarType.Int64);
        (t * 2.5).dtype.Should().Be(ScalarType.Float32);
    }

    [Fact]
    public void Matmul_shape_mismatch_throws_libtorch_message_and_process_continues()
    {
        using var scope = NewDisposeScope();
        var a = randn(2, 3);
        var b = randn(4, 5);
        var act = () => a.matmul(b);
        act.Should().Throw<TorchException>().Which.Message.Should().Contain("cannot be multiplied");
        a.matmul(randn(3, 2)).shape.Should().Equal(2, 2);
    }

    [Fact]
    public void Dispose_scope_frees_temporaries_and_keeps_moved_results()
    {
        var before = live_tensor_count();
        Tensor kept;
        using (var scope = NewDisposeScope())
        {
            var a = randn(10, 10);
            var b = a.matmul(a).relu() + 1.0;
            kept = b.sum().MoveToOuterDisposeScope();
        }
        live_tensor_count().Should().Be(before + 1);
        kept.Dispose();
        live_tensor_count().Should().Be(before);
    }

    [Fact]
    public void Zero_copy_from_array_shares_memory()
    {
        var arr = new float[] { 1, 2, 3 };
        using var t = from_array(arr, new long[] { 3 });
        t.mul_(2.0);
        arr.Should().Equal(2, 4, 6);
    }

    [Fact]
    public void Backward_computes_gradients()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3 }, new long[] { 3 }, requires_grad: true);
        var y = (x * x).sum();
        y.backward();
        x.grad!.data<double>().Should().Equal(2, 4, 6);
    }

    [Fact]
    public void No_grad_and_inference_mode_disable_recording()
    {
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 3 }, requires_grad: true);
        using (no_grad()) (x * 2.0).requires_grad.Should().BeFalse();
        is_grad_enabled().Should().BeTrue();
        using (inference_mode()) (x * 2.0).requires_grad.Should().BeFalse();
        is_grad_enabled().Should().BeTrue("grad mode is restored after inference mode");
        (x * 2.0).requires_grad.Should().BeTrue();
    }

    [Fact]
    public void Blas_threads_can_be_set_when_the_blas_is_openblas()
    {
        var before = get_blas_threads();
        before.Should().BeGreaterThan(0, "build.sh installs OpenBLAS as the BLAS of libtorch");
        set_blas_threads(1).Should().BeTrue();
        get_blas_threads().Should().Be(1);
        set_blas_threads(before);
        get_blas_threads().Should().Be(before);
    }
}
