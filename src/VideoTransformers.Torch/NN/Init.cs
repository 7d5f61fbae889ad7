using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Torch;

/// <summary>Weight initialisers that TorchSharp lacks or gets wrong.</summary>
public static class Init
{
    /// <summary>
    /// Truncated normal N(mean, std²) restricted to [a, b], filled in place by inverse-CDF sampling exactly as PyTorch's
    /// <c>nn.init.trunc_normal_</c> does, so the same seed gives the same weights. TorchSharp 0.107's own
    /// <c>nn.init.trunc_normal_</c> fills the tensor with a constant (measured: std 2e-9 for std=0.02), so it is not used.
    /// </summary>
    public static Tensor trunc_normal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!(std > 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "std must be positive.");
        if (!(a < b)) throw new ArgumentException($"The truncation interval [{a}, {b}] is empty.");
        using var _ = no_grad();
        var l = NormCdf((a - mean) / std);
        var u = NormCdf((b - mean) / std);
        tensor.uniform_(2 * l - 1, 2 * u - 1);
        tensor.erfinv_();
        tensor.mul_(std * Math.Sqrt(2));
        tensor.add_(mean);
        tensor.clamp_(a, b);
        return tensor;
    }

    /// <summary>
    /// A new trainable parameter of <paramref name="shape"/> drawn from the truncated normal N(0, std²) on [-2, 2] (the
    /// ViT initialisation of tokens and positional embeddings). The parameter is detached from any dispose scope: a
    /// TorchSharp <see cref="TorchSharp.Modules.Parameter"/> created inside one would otherwise be disposed when the scope
    /// ends, while the module that holds it lives on.
    /// </summary>
    public static TorchSharp.Modules.Parameter trunc_normal_parameter(double std, params long[] shape)
    {
        var parameter = new TorchSharp.Modules.Parameter(trunc_normal_(empty(shape), std: std));
        parameter.DetachFromDisposeScope();
        return parameter;
    }

    private static double NormCdf(double x) => (1 + Erf(x / Math.Sqrt(2))) / 2;

    // Math has no erf; Abramowitz–Stegun's approximations are not precise enough to reproduce PyTorch's bounds
    // (which come from math.erf), so: Taylor series for small |x|, Lentz's continued fraction for erfc otherwise.
    internal static double Erf(double x)
    {
        if (Math.Abs(x) < 2.5)
        {
            double sum = x, term = x, x2 = x * x;
            for (var n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                var add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        var ax = Math.Abs(x);
        double f = ax, c = ax, d = 0, tiny = 1e-300;
        for (var k = 1; k < 300; k++)
        {
            var an = k / 2.0;
            d = ax + an * d; d = Math.Abs(d) < tiny ? tiny : d; d = 1 / d;
            c = ax + an / c; c = Math.Abs(c) < tiny ? tiny : c;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        var erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f;
        return Math.Sign(x) * (1 - erfc);
    }
}
