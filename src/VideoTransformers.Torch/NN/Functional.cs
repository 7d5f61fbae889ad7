using VideoTransformers.Torch.Native;

namespace VideoTransformers.Torch;

public static partial class torch
{
    /// <summary>Neural-network modules, initialisers and functions (torch.nn).</summary>
    public static partial class nn
    {
        /// <summary>How a loss reduces over the batch.</summary>
        public enum Reduction
        {
            /// <summary>No reduction: one loss per element.</summary>
            None = 0,
            /// <summary>Mean over elements (weighted mean when class weights are given).</summary>
            Mean = 1,
            /// <summary>Sum over elements.</summary>
            Sum = 2,
        }

        /// <summary>Interpolation modes of <see cref="functional.interpolate"/>.</summary>
        public enum InterpolationMode
        {
            /// <summary>Nearest neighbour.</summary>
            Nearest = 0,
            /// <summary>Linear (1-D).</summary>
            Linear = 1,
            /// <summary>Bilinear (2-D).</summary>
            Bilinear = 2,
            /// <summary>Trilinear (3-D).</summary>
            Trilinear = 3,
            /// <summary>Bicubic (2-D).</summary>
            Bicubic = 4,
        }

        /// <summary>Sampling modes of <see cref="functional.grid_sample"/>.</summary>
        public enum GridSampleMode
        {
            /// <summary>Bilinear (trilinear for volumes).</summary>
            Bilinear = 0,
            /// <summary>Nearest.</summary>
            Nearest = 1,
            /// <summary>Bicubic (2-D only).</summary>
            Bicubic = 2,
        }

        /// <summary>Padding modes of <see cref="functional.grid_sample"/>.</summary>
        public enum GridSamplePadding
        {
            /// <summary>Zeros outside the input.</summary>
            Zeros = 0,
            /// <summary>The border value.</summary>
            Border = 1,
            /// <summary>Reflection at the border.</summary>
            Reflection = 2,
        }

        /// <summary>The stateless neural-network functions (torch.nn.functional).</summary>
        public static class functional
        {
            /// <summary>y = x Wᵀ + b.</summary>
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null) =>
                Tensor.Wrap(NativeMethods.vt_linear(input.Handle, weight.Handle, bias?.Handle ?? IntPtr.Zero));

            private static unsafe Tensor Conv(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation, int n, long groups)
            {
                if (stride.Length != n || padding.Length != n || dilation.Length != n)
                    throw new ArgumentException($"conv{n}d needs {n} values for stride, padding and dilation");
                fixed (long* s = stride)
                fixed (long* p = padding)
                fixed (long* d = dilation)
                    return Tensor.Wrap(NativeMethods.vt_conv(input.Handle, weight.Handle, bias?.Handle ?? IntPtr.Zero, s, p, d, n, groups));
            }

            private static long[] Rep(long[]? v, int n, long fill) => v ?? Enumerable.Repeat(fill, n).ToArray();

            /// <summary>1-D convolution of [N, C, L].</summary>
            public static Tensor conv1d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1) =>
                Conv(input, weight, bias, Rep(stride, 1, 1), Rep(padding, 1, 0), Rep(dilation, 1, 1), 1, groups);

            /// <summary>2-D convolution of [N, C, H, W].</summary>
            public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1) =>
                Conv(input, weight, bias, Rep(stride, 2, 1), Rep(padding, 2, 0), Rep(dilation, 2, 1), 2, groups);

            /// <summary>3-D convolution of [N, C, D, H, W].</summary>
            public static Tensor conv3d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1) =>
                Conv(input, weight, bias, Rep(stride, 3, 1), Rep(padding, 3, 0), Rep(dilation, 3, 1), 3, groups);

            /// <summary>Softmax along a dimension.</summary>
            public static Tensor softmax(Tensor input, long dim) => Tensor.Wrap(NativeMethods.vt_softmax(input.Handle, dim, 0));

            /// <summary>Log-softmax along a dimension.</summary>
            public static Tensor log_softmax(Tensor input, long dim) => Tensor.Wrap(NativeMethods.vt_softmax(input.Handle, dim, 1));

            /// <summary>Layer normalisation over the trailing <paramref name="normalized_shape"/> dimensions.</summary>
            public static unsafe Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
            {
                fixed (long* s = normalized_shape)
                    return Tensor.Wrap(NativeMethods.vt_layer_norm(input.Handle, s, normalized_shape.Length, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero, eps));
            }

            /// <summary>Batch normalisation; in training it updates the running statistics in place.</summary>
            public static Tensor batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight = null, Tensor? bias = null,
                bool training = false, double momentum = 0.1, double eps = 1e-5) =>
                Tensor.Wrap(NativeMethods.vt_batch_norm(input.Handle, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero,
                    running_mean?.Handle ?? IntPtr.Zero, running_var?.Handle ?? IntPtr.Zero, training ? 1 : 0, momentum, eps));

            /// <summary>GELU; <paramref name="approximate"/> is "none" (exact, erf) or "tanh".</summary>
            public static Tensor gelu(Tensor input, string approximate = "none") => approximate switch
            {
                "none" => Tensor.Wrap(NativeMethods.vt_unary(input.Handle, (int)UnaryOp.Gelu)),
                "tanh" => Tensor.Wrap(NativeMethods.vt_unary(input.Handle, (int)UnaryOp.GeluTanh)),
                _ => throw new ArgumentException($"gelu approximate must be 'none' or 'tanh', got '{approximate}'", nameof(approximate)),
            };

            /// <summary>Rectified linear unit.</summary>
            public static Tensor relu(Tensor input) => input.relu();

            /// <summary>SiLU / swish.</summary>
            public static Tensor silu(Tensor input) => Tensor.Wrap(NativeMethods.vt_unary(input.Handle, (int)UnaryOp.Silu));

            /// <summary>Dropout: zeroes elements with probability p and scales the rest by 1/(1-p) when training.</summary>
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true)
            {
                if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
                return Tensor.Wrap(NativeMethods.vt_dropout(input.Handle, p, training ? 1 : 0));
            }

            /// <summary>Cross entropy between logits [N, C, …] and int64 class targets [N, …], with label smoothing and class weights.</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
                long ignore_index = -100, double label_smoothing = 0.0)
            {
                if (label_smoothing < 0 || label_smoothing > 1)
                    throw new ArgumentOutOfRangeException(nameof(label_smoothing), label_smoothing, "label smoothing must be in [0, 1]");
                return Tensor.Wrap(NativeMethods.vt_cross_entropy(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, (long)reduction, ignore_index, label_smoothing));
            }

            /// <summary>Negative log-likelihood of log-probabilities.</summary>
            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignore_index = -100) =>
                Tensor.Wrap(NativeMethods.vt_nll_loss(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, (long)reduction, ignore_index));

            /// <summary>Mean squared error.</summary>
            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.Wrap(NativeMethods.vt_mse_loss(input.Handle, target.Handle, (long)reduction));

            /// <summary>Binary cross entropy on logits.</summary>
            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null, Tensor? pos_weight = null, Reduction reduction = Reduction.Mean) =>
                Tensor.Wrap(NativeMethods.vt_bce_with_logits(input.Handle, target.Handle, weight?.Handle ?? IntPtr.Zero, pos_weight?.Handle ?? IntPtr.Zero, (long)reduction));

            private static unsafe Tensor Pool(Tensor x, int kind, long[] k, long[]? s, long[]? p)
            {
                var n = k.Length;
                var ss = s ?? k;
                var pp = p ?? new long[n];
                if (ss.Length != n || pp.Length != n) throw new ArgumentException("pooling needs the same number of kernel, stride and padding values");
                fixed (long* kk = k)
                fixed (long* sp = ss)
                fixed (long* ppp = pp)
                    return Tensor.Wrap(NativeMethods.vt_pool(x.Handle, kind, kk, sp, ppp, n));
            }

            /// <summary>2-D max pooling.</summary>
            public static Tensor max_pool2d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null) => Pool(input, 0, kernel_size, stride, padding);
            /// <summary>3-D max pooling.</summary>
            public static Tensor max_pool3d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null) => Pool(input, 0, kernel_size, stride, padding);
            /// <summary>2-D average pooling.</summary>
            public static Tensor avg_pool2d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null) => Pool(input, 1, kernel_size, stride, padding);
            /// <summary>3-D average pooling.</summary>
            public static Tensor avg_pool3d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null) => Pool(input, 1, kernel_size, stride, padding);

            /// <summary>Adaptive average pooling to an output size (1, 2 or 3 spatial dims).</summary>
            public static unsafe Tensor adaptive_avg_pool(Tensor input, params long[] output_size)
            {
                fixed (long* p = output_size) return Tensor.Wrap(NativeMethods.vt_adaptive_avg_pool(input.Handle, p, output_size.Length));
            }

            /// <summary>Resizes [N, C, *spatial] to <paramref name="size"/> (like F.interpolate with size=).</summary>
            public static unsafe Tensor interpolate(Tensor input, long[] size, InterpolationMode mode = InterpolationMode.Nearest, bool align_corners = false)
            {
                fixed (long* p = size) return Tensor.Wrap(NativeMethods.vt_interpolate(input.Handle, p, size.Length, (int)mode, align_corners ? 1 : 0));
            }

            /// <summary>Sampling grid for affine matrices theta [N, 2, 3] (or [N, 3, 4]) and an output size [N, C, H, W] (or 5-D).</summary>
            public static unsafe Tensor affine_grid(Tensor theta, long[] size, bool align_corners = false)
            {
                fixed (long* p = size) return Tensor.Wrap(NativeMethods.vt_affine_grid(theta.Handle, p, size.Length, align_corners ? 1 : 0));
            }

            /// <summary>Samples <paramref name="input"/> at <paramref name="grid"/> locations in [-1, 1].</summary>
            public static Tensor grid_sample(Tensor input, Tensor grid, GridSampleMode mode = GridSampleMode.Bilinear,
                GridSamplePadding padding_mode = GridSamplePadding.Zeros, bool align_corners = false) =>
                Tensor.Wrap(NativeMethods.vt_grid_sample(input.Handle, grid.Handle, (int)mode, (int)padding_mode, align_corners ? 1 : 0));

            /// <summary>Constant padding (see <see cref="Tensor.pad"/>).</summary>
            public static Tensor pad(Tensor input, long[] pad, double value = 0) => input.pad(pad, value);

            /// <summary>One-hot encoding of int64 class indices.</summary>
            public static Tensor one_hot(Tensor input, long num_classes = -1) => Tensor.Wrap(NativeMethods.vt_one_hot(input.Handle, num_classes));
        }
    }
}
