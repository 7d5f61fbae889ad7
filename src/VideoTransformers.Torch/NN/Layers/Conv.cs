namespace VideoTransformers.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>N-d convolution (2-D or 3-D). Parameters: <c>weight</c> [out, in/groups, *kernel], <c>bias</c> [out].</summary>
        public abstract class ConvNd : Module<Tensor, Tensor>
        {
            /// <summary>Convolution kernel.</summary>
            public readonly Parameter weight;
            /// <summary>Bias, or null.</summary>
            public readonly Parameter? bias;
            private readonly int _n;

            /// <summary>Creates the layer with PyTorch's default initialisation.</summary>
            protected ConvNd(string name, int n, long in_channels, long out_channels, long[] kernel_size, long[]? stride, long[]? padding, long[]? dilation, long groups, bool hasBias)
                : base(name)
            {
                _n = n;
                if (kernel_size.Length != n) throw new ArgumentException($"{name} needs {n} kernel sizes, got {kernel_size.Length}");
                if (in_channels % groups != 0 || out_channels % groups != 0) throw new ArgumentException($"{name}: channels must be divisible by groups");
                InChannels = in_channels;
                OutChannels = out_channels;
                KernelSize = kernel_size;
                Stride = stride ?? Enumerable.Repeat(1L, n).ToArray();
                Padding = padding ?? new long[n];
                Dilation = dilation ?? Enumerable.Repeat(1L, n).ToArray();
                Groups = groups;
                using var scope = NewDisposeScope();
                var shape = new[] { out_channels, in_channels / groups }.Concat(kernel_size).ToArray();
                weight = new Parameter(init.kaiming_uniform_(empty(shape), Math.Sqrt(5)));
                if (hasBias)
                {
                    var fanIn = in_channels / groups * kernel_size.Aggregate(1L, (a, b) => a * b);
                    var bound = 1 / Math.Sqrt(fanIn);
                    bias = new Parameter(empty(out_channels).uniform_(-bound, bound));
                }
                RegisterComponents();
            }

            /// <summary>Input channels.</summary>
            public long InChannels { get; }
            /// <summary>Output channels.</summary>
            public long OutChannels { get; }
            /// <summary>Kernel size per spatial dim.</summary>
            public long[] KernelSize { get; }
            /// <summary>Stride per spatial dim.</summary>
            public long[] Stride { get; }
            /// <summary>Zero padding per spatial dim.</summary>
            public long[] Padding { get; }
            /// <summary>Dilation per spatial dim.</summary>
            public long[] Dilation { get; }
            /// <summary>Groups.</summary>
            public long Groups { get; }

            /// <inheritdoc />
            public override Tensor forward(Tensor input)
            {
                var s = input.shape;
                if (s.Length != _n + 2 || s[1] != InChannels)
                    throw new ArgumentException($"{name} expected input [N, {InChannels}, {string.Join(", ", Enumerable.Repeat("*", _n))}], got {Tensor.ShapeString(s)}", nameof(input));
                return _n == 2
                    ? functional.conv2d(input, weight, bias, Stride, Padding, Dilation, Groups)
                    : functional.conv3d(input, weight, bias, Stride, Padding, Dilation, Groups);
            }
        }

        /// <summary>2-D convolution over [N, C, H, W].</summary>
        public sealed class Conv2d : ConvNd
        {
            /// <summary>Creates the layer.</summary>
            public Conv2d(long in_channels, long out_channels, long[] kernel_size, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1, bool hasBias = true)
                : base(nameof(Conv2d), 2, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, hasBias) { }

            /// <summary>Creates a layer with a square kernel.</summary>
            public Conv2d(long in_channels, long out_channels, long kernel_size, long stride = 1, long padding = 0, bool hasBias = true)
                : this(in_channels, out_channels, new[] { kernel_size, kernel_size }, new[] { stride, stride }, new[] { padding, padding }, null, 1, hasBias) { }
        }

        /// <summary>3-D convolution over [N, C, D, H, W].</summary>
        public sealed class Conv3d : ConvNd
        {
            /// <summary>Creates the layer.</summary>
            public Conv3d(long in_channels, long out_channels, long[] kernel_size, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1, bool hasBias = true)
                : base(nameof(Conv3d), 3, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, hasBias) { }
        }
    }
}
