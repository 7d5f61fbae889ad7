namespace VideoTransformers.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Layer normalisation over the trailing dims. Parameters: <c>weight</c>, <c>bias</c>.</summary>
        public sealed class LayerNorm : Module<Tensor, Tensor>
        {
            /// <summary>Scale (γ), or null without affine.</summary>
            public readonly Parameter? weight;
            /// <summary>Shift (β), or null without affine.</summary>
            public readonly Parameter? bias;

            /// <summary>Creates the layer (γ = 1, β = 0).</summary>
            public LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true) : base(nameof(LayerNorm))
            {
                NormalizedShape = normalized_shape;
                Eps = eps;
                if (elementwise_affine)
                {
                    using var scope = NewDisposeScope();
                    weight = new Parameter(ones(normalized_shape));
                    bias = new Parameter(zeros(normalized_shape));
                }
                RegisterComponents();
            }

            /// <summary>Creates the layer over the last dimension.</summary>
            public LayerNorm(long dim, double eps = 1e-5) : this(new[] { dim }, eps) { }

            /// <summary>The normalised trailing shape.</summary>
            public long[] NormalizedShape { get; }
            /// <summary>Epsilon added to the variance.</summary>
            public double Eps { get; }

            /// <inheritdoc />
            public override Tensor forward(Tensor input)
            {
                var s = input.shape;
                var n = NormalizedShape.Length;
                if (s.Length < n || !s[^n..].SequenceEqual(NormalizedShape))
                    throw new ArgumentException($"LayerNorm expected input [..., {string.Join(", ", NormalizedShape)}], got {Tensor.ShapeString(s)}", nameof(input));
                return functional.layer_norm(input, NormalizedShape, weight, bias, Eps);
            }
        }

        /// <summary>
        /// Batch normalisation over channel dim 1 of [N, C, *]. Parameters <c>weight</c>, <c>bias</c>; buffers
        /// <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c> (PyTorch's names).
        /// </summary>
        public sealed class BatchNorm : Module<Tensor, Tensor>
        {
            /// <summary>Scale.</summary>
            public readonly Parameter weight;
            /// <summary>Shift.</summary>
            public readonly Parameter bias;
            private readonly Tensor running_mean;
            private readonly Tensor running_var;
            private readonly Tensor num_batches_tracked;
            private readonly int _spatialDims;

            /// <summary>Creates the layer; <paramref name="spatialDims"/> is 1, 2 or 3 (BatchNorm1d/2d/3d).</summary>
            public BatchNorm(long num_features, int spatialDims, double eps = 1e-5, double momentum = 0.1) : base($"BatchNorm{spatialDims}d")
            {
                NumFeatures = num_features;
                Eps = eps;
                Momentum = momentum;
                _spatialDims = spatialDims;
                using (NewDisposeScope())
                {
                    weight = new Parameter(ones(num_features));
                    bias = new Parameter(zeros(num_features));
                    running_mean = zeros(num_features).DetachFromDisposeScope();
                    running_var = ones(num_features).DetachFromDisposeScope();
                    num_batches_tracked = zeros(new long[0], ScalarType.Int64).DetachFromDisposeScope();
                }
                RegisterComponents();
                register_buffer(nameof(running_mean), running_mean);
                register_buffer(nameof(running_var), running_var);
                register_buffer(nameof(num_batches_tracked), num_batches_tracked);
            }

            /// <summary>Channels.</summary>
            public long NumFeatures { get; }
            /// <summary>Epsilon.</summary>
            public double Eps { get; }
            /// <summary>Running-average momentum.</summary>
            public double Momentum { get; }

            /// <inheritdoc />
            public override Tensor forward(Tensor input)
            {
                var s = input.shape;
                if (s.Length != _spatialDims + 2 || s[1] != NumFeatures)
                    throw new ArgumentException($"{name} expected input [N, {NumFeatures}, ...] with {_spatialDims + 2} dims, got {Tensor.ShapeString(s)}", nameof(input));
                if (training)
                    using (no_grad()) num_batches_tracked.add_(1L);
                return functional.batch_norm(input, running_mean, running_var, weight, bias, training, Momentum, Eps);
            }
        }
    }
}
