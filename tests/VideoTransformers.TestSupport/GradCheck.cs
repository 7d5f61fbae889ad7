using System.Globalization;
using VideoTransformers.Torch;
using Xunit.Sdk;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.TestSupport;

/// <summary>The outcome of a <see cref="GradCheck"/>: the worst element and the number of elements checked.</summary>
public sealed record GradCheckResult(bool Passed, long Checked, long Failed, double MaxAbsError, string Worst);

/// <summary>
/// Checks autograd against central finite differences in float64, like torch.autograd.gradcheck.
/// The function may take several inputs and return a tensor of any shape; it is reduced to the scalar
/// Σ f(x)·R with a fixed random projection R, whose gradient is compared element by element with
/// (s(x + ε·eᵢ) − s(x − ε·eᵢ)) / 2ε for every element of every input that requires grad.
/// Inputs are perturbed in place (under no_grad), so module parameters can be passed as inputs and used by the
/// function through the module (see <see cref="CheckModule"/>).
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Asserts that the analytical gradient of <paramref name="f"/> matches finite differences:
    /// |analytical − numerical| ≤ atol + rtol·|numerical| for every checked element.
    /// Inputs must be float64 (others are left alone and may be integer, e.g. class targets); those with requires_grad are checked.
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-7, double rtol = 1e-5,
        int seed = 2024, string name = "function")
    {
        var r = Compute(f, inputs, eps, atol, rtol, seed);
        if (r.Checked == 0) throw new XunitException($"gradcheck of {name}: no input requires grad, nothing was checked.");
        if (!r.Passed)
            throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                $"gradcheck of {name}: {r.Failed} of {r.Checked} gradient elements differ from finite differences (eps={eps:G3}, atol={atol:G3}, rtol={rtol:G3}); max abs error {r.MaxAbsError:G6}; worst: {r.Worst}"));
    }

    /// <summary>
    /// Gradient-checks a module: converts it to float64 and checks the gradient with respect to <paramref name="input"/>
    /// (when it requires grad) and to every parameter that requires grad.
    /// </summary>
    public static void CheckModule(nn.Module module, Func<Tensor, Tensor> forward, Tensor input, double eps = 1e-6, double atol = 1e-7,
        double rtol = 1e-5, int seed = 2024)
    {
        module.to(ScalarType.Float64);
        var ps = module.parameters().Where(p => p.requires_grad).Cast<Tensor>();
        var inputs = new[] { input }.Concat(ps).ToArray();
        Check(xs => forward(xs[0]), inputs, eps, atol, rtol, seed, module.GetName());
    }

    /// <summary>Computes the comparison without asserting.</summary>
    public static GradCheckResult Compute(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-7, double rtol = 1e-5,
        int seed = 2024)
    {
        using var scope = NewDisposeScope();
        var checkedInputs = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].requires_grad).ToList();
        foreach (var i in checkedInputs)
        {
            if (inputs[i].dtype != ScalarType.Float64) throw new ArgumentException($"gradcheck needs float64 inputs; input {i} is {inputs[i].dtype}");
            if (!inputs[i].is_leaf) throw new ArgumentException($"gradcheck input {i} must be a leaf tensor");
            if (!inputs[i].is_contiguous()) throw new ArgumentException($"gradcheck input {i} must be contiguous");
        }

        // The projection R, drawn once from the output's shape.
        var y0 = f(inputs);
        if (y0.dtype != ScalarType.Float64) throw new ArgumentException($"gradcheck needs a float64 output; got {y0.dtype}");
        var projection = new TestData(seed).Randn(y0.shape, ScalarType.Float64);
        var s0 = (y0 * projection).sum();
        var analytical = Autograd.Grad([s0], checkedInputs.Select(i => inputs[i]).ToList());

        double Objective()
        {
            using var inner = NewDisposeScope();
            using var _ = no_grad();
            return (f(inputs) * projection).sum().ToDouble();
        }

        long count = 0, failed = 0;
        double maxErr = 0, worstExcess = -1;
        var worst = "";
        for (var k = 0; k < checkedInputs.Count; k++)
        {
            var x = inputs[checkedInputs[k]];
            var values = HostValues.Read<double>(x);
            var ana = analytical[k] is { } a ? HostValues.Read<double>(a) : new double[values.Length];
            for (var e = 0; e < values.Length; e++)
            {
                var original = values[e];
                values[e] = original + eps;
                Overwrite(x, values);
                var plus = Objective();
                values[e] = original - eps;
                Overwrite(x, values);
                var minus = Objective();
                values[e] = original;
                Overwrite(x, values);

                var numerical = (plus - minus) / (2 * eps);
                var err = Math.Abs(ana[e] - numerical);
                var allowed = atol + rtol * Math.Abs(numerical);
                count++;
                maxErr = Math.Max(maxErr, err);
                if (err > allowed) failed++;
                if (err / allowed > worstExcess)
                {
                    worstExcess = err / allowed;
                    worst = string.Create(CultureInfo.InvariantCulture,
                        $"input {checkedInputs[k]} at {TensorAssert.Index(e, x.shape)}: analytical {ana[e]:R}, numerical {numerical:R}");
                }
            }
        }
        return new GradCheckResult(failed == 0, count, failed, maxErr, worst);
    }

    // In place and under no_grad: x is a leaf that requires grad (and may be a module's parameter the function uses).
    private static void Overwrite(Tensor x, double[] values)
    {
        using var _ = no_grad();
        using var source = tensor(values, x.shape);
        x.copy_(source);
    }
}
