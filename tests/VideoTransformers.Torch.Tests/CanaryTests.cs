using System.Runtime.InteropServices;
using FluentAssertions;
using VideoTransformers.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace VideoTransformers.Torch.Tests;

/// <summary>
/// Canaries: TorchSharp calls that abort the whole process (SIGABRT, exit code 134) on bad arguments instead of
/// throwing, because their exports do not catch libtorch's C++ exceptions. The library therefore validates before
/// making them (shapes before matmul, thread counts before set_num_threads, TestSupport's Autograd.Grad before
/// autograd.grad). Each runs in a child process (<see cref="Program"/>). When a TorchSharp update makes one throw
/// instead, its canary fails: the validation may then be simplified, and the canary turned into an in-process test.
/// </summary>
public class CanaryTests
{
    private const int SigAbrt = 134;

    private static ChildProcess Run(string name)
    {
        var assembly = typeof(Program).Assembly.Location;
        var child = new ChildProcess(name, ChildProcess.DotnetHost, [assembly, "--child", name]);
        ChildProcess.WaitAll(TimeSpan.FromSeconds(120), child).GetAwaiter().GetResult()
            .Should().BeTrue($"the child must end, not hang:\n{ChildProcess.Describe(child)}");
        return child;
    }

    [Fact]
    public void The_control_child_runs_to_the_end()
    {
        using var child = Run("ok");
        child.ExitCode.Should().Be(0, ChildProcess.Describe(child));
        child.StandardOutput.Should().Contain("child started").And.Contain("24").And.Contain("child survived");
    }

    [Theory]
    [InlineData("matmul-mismatch", "cannot be multiplied")]
    [InlineData("set-num-threads-0", "Expected positive number of threads")]
    [InlineData("grad-of-output-without-grad", "does not require grad")]
    [InlineData("grad-of-unused-input", "appears to not have been used in the graph")]
    [InlineData("grad-output-shape-mismatch", "invalid gradient at index 0 - got [4] but expected shape compatible with [3]")]
    public void A_call_that_aborts_the_process(string name, string libtorchMessage)
    {
        using var child = Run(name);
        child.ExitCode.Should().Be(SigAbrt, $"{name} is expected to abort the process:\n{ChildProcess.Describe(child)}");
        child.StandardOutput.Should().Contain("child started").And.NotContain("child survived");
        child.StandardError.Should().Contain(libtorchMessage, "libtorch says why before the abort");
    }

    [Fact]
    public void The_same_mistakes_through_mm_cat_and_the_validating_wrappers_throw_in_process()
    {
        using var scope = NewDisposeScope();
        ((Action)(() => ones(2, 3).mm(ones(4, 5)))).Should().Throw<ExternalException>().Which.Message.Should().Contain("cannot be multiplied");
        var x = ones([3], requires_grad: true);
        ((Action)(() => Autograd.Grad([ones(3).sum()], [x]))).Should().Throw<ArgumentException>().Which.Message.Should().Contain("output 0").And.Contain("does not require grad");
        ((Action)(() => Autograd.Grad([x * 2], [x], [ones(4)]))).Should().Throw<ArgumentException>().Which.Message.Should().Contain("[4]").And.Contain("[3]");
        ((Action)(() => Autograd.Grad([x * 2], [x]))).Should().Throw<ArgumentException>().Which.Message.Should().Contain("one element");
        ((Action)(() => Autograd.Grad([(x * 2).sum()], [ones(3)]))).Should().Throw<ArgumentException>().Which.Message.Should().Contain("input 0");
        // An unused input gets null rather than an abort.
        var grads = Autograd.Grad([(x * 2).sum()], [x, ones([3], requires_grad: true)]);
        TensorAssert.Same(grads[0]!, full(3, 2f), "d(2x)/dx");
        grads[1].Should().BeNull();
    }
}
