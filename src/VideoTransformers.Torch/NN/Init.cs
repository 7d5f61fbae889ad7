namespace VideoTransformers.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Weight initialisers (torch.nn.init); all run without recording gradients.</summary>
        public static class init
        {
            /// <summary>Fills with U(a, b).</summary>
            public static Tensor uniform_(Tensor t, double a = 0, double b = 1) => t.uniform_(a, b);

            /// <summary>Fills with N(mean, std²).</summary>
            public static Tensor normal_(Tensor t, double mean = 0, double std = 1) => t.normal_(mean, std);

            /// <summary>Fills with zeros.</summary>
            public static Tensor zeros_(Tensor t)
            {
                using var _ = no_grad();
                return t.zero_();
            }

            /// <summary>Fills with ones.</summary>
            public static Tensor ones_(Tensor t) => constant_(t, 1);

            /// <summary>Fills with a constant.</summary>
            public static Tensor constant_(Tensor t, double value)
            {
                using var _ = no_grad();
                return t.fill_(value);
            }

            /// <summary>
            /// Truncated normal N(mean, std²) restricted to [a, b], by inverse-CDF sampling exactly as PyTorch does
            /// (so the same seed gives the same weights).
            /// </summary>
            public static Tensor trunc_normal_(Tensor t, double mean = 0, double std = 1, double a = -2, double b = 2)
            {
                static double NormCdf(double x) => (1 + Erf(x / Math.Sqrt(2))) / 2;
                using var _ = no_grad();
                var l = NormCdf((a - mean) / std);
                var u = NormCdf((b - mean) / std);
                t.uniform_(2 * l - 1, 2 * u - 1);
                t.erfinv_();
                t.mul_(std * Math.Sqrt(2));
                t.add_(mean);
                t.clamp_(a, b);
                return t;
            }

            /// <summary>Glorot/Xavier uniform: U(±gain·√(6/(fan_in+fan_out))).</summary>
            public static Tensor xavier_uniform_(Tensor t, double gain = 1)
            {
                var (fanIn, fanOut) = calculate_fan_in_and_fan_out(t);
                var bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
                return t.uniform_(-bound, bound);
            }

            /// <summary>He/Kaiming uniform for leaky ReLU slope <paramref name="a"/> (fan_in mode), PyTorch's default for Linear and Conv.</summary>
            public static Tensor kaiming_uniform_(Tensor t, double a = 0)
            {
                var (fanIn, _) = calculate_fan_in_and_fan_out(t);
                var gain = Math.Sqrt(2.0 / (1 + a * a));
                var bound = gain * Math.Sqrt(3.0 / fanIn);
                return t.uniform_(-bound, bound);
            }

            /// <summary>Fan-in and fan-out of a weight of shape [out, in, *kernel].</summary>
            public static (long fan_in, long fan_out) calculate_fan_in_and_fan_out(Tensor t)
            {
                var s = t.shape;
                if (s.Length < 2) throw new ArgumentException($"Fan in and fan out need at least 2 dimensions, got {Tensor.ShapeString(s)}");
                long receptive = 1;
                for (var i = 2; i < s.Length; i++) receptive *= s[i];
                return (s[1] * receptive, s[0] * receptive);
            }

            // Abramowitz–Stegun is not precise enough to reproduce PyTorch's bounds; use a high-precision series.
            internal static double Erf(double x)
            {
                // erf via the complementary error function's continued fraction for large |x| and Taylor series otherwise.
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
                // Lentz continued fraction for erfc.
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
    }
}
