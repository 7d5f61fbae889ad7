using FluentAssertions;
using VideoTransformers.TestSupport;
using Xunit;
using Xunit.Sdk;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Torch.Tests;

/// <summary>The test helpers themselves: they must fail when they should, and say why.</summary>
public class TensorAssertTests
{
    [Fact]
    public void Close_reports_the_count_the_worst_element_and_the_max_error()
    {
        using var scope = NewDisposeScope();
        var expected = tensor(new float[] { 0, 1, 2, 3, 4, 5 }, [2, 3]);
        var actual = tensor(new float[] { 0, 1, 2.5f, 3, 4.00001f, 5 }, [2, 3]);
        var act = () => TensorAssert.Close(actual, expected, 1e-6, 0, "t");
        act.Should().Throw<XunitException>().Which.Message.Should()
            .Contain("t: 2 of 6 elements").And.Contain("max abs error 0.5").And.Contain("worst at [0, 2]")
            .And.Contain("actual 2.5, expected 2");
        TensorAssert.Close(actual, expected, 0.6, 0, "loose");
        TensorAssert.Close(actual, expected, 0, 0.25, "relative");
    }

    [Fact]
    public void Close_checks_shape_and_dtype_and_treats_nan_and_infinity_exactly()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new double[] { 1, double.NaN, double.PositiveInfinity });
        TensorAssert.Equal(a, a.clone());
        TensorAssert.Compare(a, tensor(new double[] { 1, 0, double.PositiveInfinity }), 1, 1)!.Should().Contain("1 of 3");
        TensorAssert.Compare(a, tensor(new double[] { 1, double.NaN, double.NegativeInfinity }), 1, 1)!.Should().Contain("1 of 3");
        TensorAssert.Compare(a, a.to(ScalarType.Float32), 1, 1)!.Should().Contain("dtype Float64 differs from the expected Float32");
        TensorAssert.Compare(a, a.reshape(3, 1), 1, 1)!.Should().Contain("shape [3] differs from the expected [3, 1]");
    }

    [Fact]
    public void Integer_and_bool_tensors_compare_exactly()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new long[] { 1, 2, 3 });
        TensorAssert.Compare(a, tensor(new long[] { 1, 2, 4 }), 10, 10)!.Should().Contain("first at [2]: actual 3, expected 4");
        TensorAssert.Compare(tensor(new[] { true, false }), tensor(new[] { true, true }), 1, 1)!.Should().Contain("1 of 2");
        TensorAssert.Equal(a, a.clone());
    }

    [Fact]
    public void Default_tolerances_follow_the_dtype()
    {
        TensorAssert.DefaultTolerance(ScalarType.Float32).Should().Be((1e-5, 1e-5));
        TensorAssert.DefaultTolerance(ScalarType.Float64).Should().Be((1e-10, 1e-10));
        TensorAssert.DefaultTolerance(ScalarType.Int64).Should().Be((0.0, 0.0));
    }
}

/// <summary>TestSupport's TorchSharp helpers: bitwise comparison, host reads of any tensor, the validating autograd.grad.</summary>
public class TorchHelperTests
{
    [Fact]
    public void Same_passes_identical_bits_and_names_the_first_differing_element()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, float.NaN, 3, -0f }, [2, 2]);
        TensorAssert.Same(a, a.clone(), "copy");
        var b = tensor(new float[] { 1, float.NaN, 3, 0f }, [2, 2]);
        TensorAssert.Equal(a, b, "Equal treats -0 and +0 alike");
        var act = () => TensorAssert.Same(a, b, "t");
        act.Should().Throw<XunitException>().Which.Message.Should().Contain("t: the bytes differ").And.Contain("element [1, 1]")
            .And.Contain("actual 00000080, expected 00000000");
        ((Action)(() => TensorAssert.Same(a, a.to(ScalarType.Float64), "d"))).Should().Throw<XunitException>().Which.Message.Should().Contain("dtype");
        ((Action)(() => TensorAssert.Same(a, a.reshape(4), "s"))).Should().Throw<XunitException>().Which.Message.Should().Contain("shape [2, 2]");
        TensorAssert.Same(zeros(0, 3), zeros(0, 3), "empty");
        ((Action)(() => TensorAssert.Same(zeros(0, 3), zeros(3, 0), "empty"))).Should().Throw<XunitException>();
    }

    [Fact]
    public void HostValues_reads_empty_strided_and_grad_tensors_and_refuses_the_wrong_type()
    {
        using var scope = NewDisposeScope();
        HostValues.Read<float>(zeros(0, 3)).Should().BeEmpty();
        HostValues.Doubles(zeros(2, 0, 4)).Should().BeEmpty();
        HostValues.Read<long>(arange(6).reshape(2, 3).t()).Should().Equal(0, 3, 1, 4, 2, 5);
        HostValues.Read<double>(ones([2], ScalarType.Float64, requires_grad: true)).Should().Equal(1, 1);
        HostValues.Longs(tensor(new[] { true, false })).Should().Equal(1, 0);
        HostValues.Bytes(tensor(new short[] { 1, -2 })).Should().Equal(1, 0, 0xFE, 0xFF);
        ((Action)(() => HostValues.Read<double>(ones(2)))).Should().Throw<ArgumentException>().Which.Message.Should().Contain("Float32");
        ((Action)(() => HostValues.Longs(ones(2)))).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Autograd_grad_returns_gradients_and_refuses_what_would_abort()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3 }).requires_grad_();
        var y = x * x;
        var g = Autograd.Grad([y], [x], [tensor(new double[] { 1, 10, 100 })], retainGraph: true);
        TensorAssert.Same(g[0]!, tensor(new double[] { 2, 40, 600 }), "2x·g");
        ((Action)(() => Autograd.Grad([y], [x], [ones(3)]))).Should().Throw<ArgumentException>().Which.Message.Should().Contain("Float32").And.Contain("Float64");
        ((Action)(() => Autograd.Grad([y, y], [x], [ones(3, dtype: ScalarType.Float64)]))).Should().Throw<ArgumentException>().Which.Message.Should().Contain("1 grad_outputs for 2 outputs");
        var gone = x * 2;
        gone.Dispose();
        ((Action)(() => Autograd.Grad([gone], [x]))).Should().Throw<ArgumentException>().Which.Message.Should().Contain("disposed");
    }
}

[Collection(PythonReferenceFixture.Collection)]
public class PythonReferenceTests(PythonReferenceFixture py)
{
    [SkippableFact]
    public void A_python_error_becomes_an_exception_with_the_traceback_and_the_server_keeps_serving()
    {
        PythonReference.RequirePython(); // before the assertions below, which would catch the skip
        using var scope = NewDisposeScope();
        var act = () => py.Run("raise", new Dictionary<string, Tensor>(), new { message = "deliberate failure 42" });
        act.Should().Throw<PythonReferenceException>().Which.Message.Should()
            .Contain("Traceback").And.Contain("ValueError: deliberate failure 42").And.Contain("'raise'");
        var unknown = () => py.Run("no_such_case", new Dictionary<string, Tensor>());
        unknown.Should().Throw<PythonReferenceException>().Which.Message.Should().Contain("unknown case 'no_such_case'").And.Contain("echo");

        var back = py.Run("echo", new Dictionary<string, Tensor> { ["x"] = arange(3) });
        TensorAssert.Equal(back["x"], arange(3));
        py.TorchVersion.Should().StartWith("1.13");
    }

    [SkippableFact]
    public void Gradients_come_back_per_output_and_input_and_unused_inputs_have_none()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3 });
        var g = tensor(new double[] { 1, 10, 100 });
        // echo returns clones of its inputs, so d(x)/dx applied to g is g itself; "y" does not depend on "x".
        var gy = tensor(new double[] { -1, 0.5, 4 });
        var r = py.Run("echo", new Dictionary<string, Tensor>
        {
            ["x"] = x, ["y"] = x * 2.0, [PythonReference.GradOutPrefix + "x"] = g, [PythonReference.GradOutPrefix + "y"] = gy,
        }, null, ["x", "y"]);
        TensorAssert.Equal(r["grad:x:x"], g);
        TensorAssert.Equal(r["grad:y:y"], gy);
        r.Should().NotContainKey("grad:x:y");
        r.Should().NotContainKey("grad:y:x");
        r.Keys.Should().BeEquivalentTo(["x", "y", "grad:x:x", "grad:y:y"]);
    }

    [SkippableFact]
    public void An_output_that_requires_grad_in_pytorch_but_was_sent_no_upstream_gradient_fails()
    {
        PythonReference.RequirePython();
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, 2, 3 });
        // Gradients are asked for x, so PyTorch's echo of x requires grad; a caller that sends no upstream gradient
        // for it is one whose own output lost its graph.
        var act = () => py.Run("echo", new Dictionary<string, Tensor> { ["x"] = x }, null, ["x"]);
        act.Should().Throw<PythonReferenceException>().Which.Message.Should().Contain("['x'] require grad");
    }

    [SkippableFact]
    public void Parity_check_fails_when_our_output_was_detached()
    {
        PythonReference.RequirePython();
        using var scope = NewDisposeScope();
        var inputs = new Dictionary<string, Tensor> { ["a"] = tensor(new float[] { 1, 2 }) };
        // Equal values, but the graph is cut: comparing values alone would pass.
        var act = () => py.Check("echo", inputs, t => new Dictionary<string, Tensor> { ["a"] = t["a"].detach().clone() }, grad: ["a"]);
        act.Should().Throw<PythonReferenceException>().Which.Message.Should().Contain("do not require grad");
        py.Check("echo", inputs, t => new Dictionary<string, Tensor> { ["a"] = t["a"] * 1.0 }, grad: ["a"])
            .Should().Be(2, "one value and one gradient are compared");
    }

    [SkippableFact]
    public void Parity_check_collects_every_difference_and_names_missing_outputs()
    {
        PythonReference.RequirePython();
        using var scope = NewDisposeScope();
        var inputs = new Dictionary<string, Tensor> { ["a"] = tensor(new float[] { 1, 2 }), ["b"] = tensor(new float[] { 3, 4 }) };
        var act = () => py.Check("echo", inputs, t => new Dictionary<string, Tensor> { ["a"] = t["a"] * 2.0, ["c"] = t["b"] }, grad: ["a"]);
        var msg = act.Should().Throw<XunitException>().Which.Message;
        msg.Should().Contain("echo/a: 2 of 2 elements differ").And.Contain("echo/c: PyTorch's case has no output 'c'")
            .And.Contain("echo/b: PyTorch's case has an output 'b' that ours lacks").And.Contain("echo/grad:a:a");
        py.Check("echo", inputs, t => new Dictionary<string, Tensor> { ["a"] = t["a"] * 1.0, ["b"] = t["b"].clone() }, grad: ["a", "b"])
            .Should().Be(4, "two values and two gradients are compared");
    }
}
