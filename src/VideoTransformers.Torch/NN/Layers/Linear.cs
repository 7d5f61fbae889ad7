namespace VideoTransformers.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>y = x Wᵀ + b over the last dimension. Parameters: <c>weight</c> [out, in], <c>bias</c> [out].</summary>
        public sealed class Linear : Module<Tensor, Tensor>
        {
            /// <summary>Weight [out_features, in_features].</summary>
            public readonly Parameter weight;
            /// <summary>Bias [out_features], or null.</summary>
            public readonly Parameter? bias;

            /// <summary>Creates the layer with PyTorch's default initialisation.</summary>
            public Linear(long in_features, long out_features, bool hasBias = true) : base(nameof(Linear))
            {
                if (in_features <= 0 || out_features <= 0) throw new ArgumentOutOfRangeException(nameof(in_features), "Linear sizes must be positive");
                InFeatures = in_features;
                OutFeatures = out_features;
                using var scope = NewDisposeScope();
                weight = new Parameter(init.kaiming_uniform_(empty(out_features, in_features), Math.Sqrt(5)));
                if (hasBias)
                {
                    var bound = 1 / Math.Sqrt(in_features);
                    bias = new Parameter(empty(out_features).uniform_(-bound, bound));
                }
                RegisterComponents();
            }

            /// <summary>Input size.</summary>
            public long InFeatures { get; }
            /// <summary>Output size.</summary>
            public long OutFeatures { get; }

            /// <inheritdoc />
            public override Tensor forward(Tensor input)
            {
                var s = input.shape;
                if (s.Length == 0 || s[^1] != InFeatures)
                    throw new ArgumentException($"Linear expected input [..., {InFeatures}], got {Tensor.ShapeString(s)}", nameof(input));
                return functional.linear(input, weight, bias);
            }
        }
    }
}
