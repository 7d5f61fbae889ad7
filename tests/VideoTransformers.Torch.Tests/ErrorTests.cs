using FluentAssertions;
using VideoTransformers.TestSupport;
using Xunit;
using static VideoTransformers.Torch.torch;
using F = VideoTransformers.Torch.torch.nn.functional;

namespace VideoTransformers.Torch.Tests;

/// <summary>
/// libtorch errors cross the C ABI as <see cref="TorchException"/>s carrying libtorch's own message (without the C++
/// backtrace), from every kind of export (tensor-returning, status-returning, multi-output), and the process goes on.
/// </summary>
public class ErrorTests
{
    private static TorchException Fails(Action act) => act.Should().Throw<TorchException>().Which;

    [Fact]
    public void Matmul_shape_mismatch_carries_libtorchs_message_and_later_ops_work()
    {
        using var scope = NewDisposeScope();
        var a = ones(2, 3);
        var e = Fails(() => a.matmul(ones(4, 5)));
        e.Message.Should().Contain("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)");
        e.Message.Should().NotContain("Exception raised from", "the C++ backtrace stays out of the message");
        var ok = a.matmul(ones(3, 2));
        ok.shape.Should().Equal(2, 2);
        ok.sum().item<float>().Should().Be(12);
        // Again, to show that the failure left nothing behind.
        Fails(() => a.mm(ones(2, 3))).Message.Should().Contain("cannot be multiplied");
    }

    [Fact]
    public void Errors_from_status_returning_and_multi_output_exports_carry_their_messages()
    {
        using var scope = NewDisposeScope();
        Fails(() => ones(2, 3).transpose(0, 1).view(6)).Message.Should().Contain("view size is not compatible");
        Fails(() => cat([ones(2, 3), ones(2, 4)], 0)).Message.Should().Contain("Sizes of tensors must match");
        Fails(() => ones(3).topk(5)).Message.Should().Contain("selected index k out of range");
        Fails(() => ones(3, 4).max(5)).Message.Should().Contain("Dimension out of range");
        Fails(() => ones(3).item<float>()).Message.Should().Contain("a Tensor with 3 elements cannot be converted to Scalar");
        Fails(() => ones([3], requires_grad: true).backward()).Message.Should().Contain("grad can be implicitly created only for scalar outputs");
        var leaf = ones([3], requires_grad: true);
        Fails(() => leaf.add_(1.0)).Message.Should().Contain("a leaf Variable that requires grad is being used in an in-place operation");
        Fails(() => F.conv2d(ones(1, 3, 5, 5), ones(4, 2, 3, 3))).Message.Should().Contain("expected input[1, 3, 5, 5] to have 2 channels");
        Fails(() => F.cross_entropy(ones(2, 3), tensor(new long[] { 0, 7 }))).Message.Should().Contain("Target 7 is out of bounds");
        Fails(() => ones(2, 2).index_select(0, tensor(new long[] { 5 }))).Message.Should().Contain("out of range");
    }

    [Fact]
    public void Each_thread_sees_its_own_error_message()
    {
        var messages = new string[8];
        Parallel.For(0, messages.Length, i =>
        {
            using var scope = NewDisposeScope();
            var a = ones(2, 3 + i);
            try
            {
                for (var k = 0; k < 50; k++)
                {
                    try { a.matmul(ones(100 + i, 1)); }
                    catch (TorchException e) { messages[i] = e.Message; }
                    a.sum(); // a success in between must not disturb the next failure's message
                }
            }
            catch (Exception e) { messages[i] = "unexpected: " + e; }
        });
        for (var i = 0; i < messages.Length; i++)
            messages[i].Should().Contain($"(2x{3 + i} and {100 + i}x1)");
    }

    [Fact]
    public void Using_a_disposed_tensor_throws_ObjectDisposedException_not_a_crash()
    {
        var t = ones(3);
        t.Dispose();
        t.IsInvalid.Should().BeTrue();
        ((Action)(() => t.sum())).Should().Throw<ObjectDisposedException>();
        t.Dispose(); // twice is harmless
    }
}
