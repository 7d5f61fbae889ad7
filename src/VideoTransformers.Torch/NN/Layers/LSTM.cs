namespace VideoTransformers.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// Multi-layer (bi)directional LSTM over libtorch's fused kernel. Parameter names match PyTorch:
        /// <c>weight_ih_l{k}[_reverse]</c>, <c>weight_hh_l{k}</c>, <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c>.
        /// </summary>
        public sealed class LSTM : Module<Tensor, (Tensor output, Tensor h_n, Tensor c_n)>
        {
            private readonly List<Parameter> _flat = new();

            /// <summary>Creates the layer with PyTorch's U(±1/√hidden) initialisation.</summary>
            public LSTM(long input_size, long hidden_size, long num_layers = 1, bool batch_first = false, bool bidirectional = false, double dropout = 0)
                : base(nameof(LSTM))
            {
                InputSize = input_size;
                HiddenSize = hidden_size;
                NumLayers = num_layers;
                BatchFirst = batch_first;
                Bidirectional = bidirectional;
                DropoutP = dropout;
                var dirs = bidirectional ? 2 : 1;
                var bound = 1 / Math.Sqrt(hidden_size);
                using var scope = NewDisposeScope();
                for (var layer = 0; layer < num_layers; layer++)
                    for (var d = 0; d < dirs; d++)
                    {
                        var inSize = layer == 0 ? input_size : hidden_size * dirs;
                        var suffix = $"_l{layer}" + (d == 1 ? "_reverse" : "");
                        Add("weight_ih" + suffix, empty(4 * hidden_size, inSize).uniform_(-bound, bound));
                        Add("weight_hh" + suffix, empty(4 * hidden_size, hidden_size).uniform_(-bound, bound));
                        Add("bias_ih" + suffix, empty(4 * hidden_size).uniform_(-bound, bound));
                        Add("bias_hh" + suffix, empty(4 * hidden_size).uniform_(-bound, bound));
                    }
            }

            private void Add(string n, Tensor t)
            {
                var p = new Parameter(t);
                _flat.Add(p);
                register_parameter(n, p);
            }

            /// <summary>Input feature size.</summary>
            public long InputSize { get; }
            /// <summary>Hidden size.</summary>
            public long HiddenSize { get; }
            /// <summary>Stacked layers.</summary>
            public long NumLayers { get; }
            /// <summary>Input is [B, T, F] rather than [T, B, F].</summary>
            public bool BatchFirst { get; }
            /// <summary>Two directions.</summary>
            public bool Bidirectional { get; }
            /// <summary>Dropout between layers.</summary>
            public double DropoutP { get; }

            /// <inheritdoc />
            public override (Tensor output, Tensor h_n, Tensor c_n) forward(Tensor input) => forward(input, null, null);

            /// <summary>Runs the LSTM from optional initial states h0, c0 of shape [layers·dirs, B, H].</summary>
            public unsafe (Tensor output, Tensor h_n, Tensor c_n) forward(Tensor input, Tensor? h0, Tensor? c0)
            {
                var s = input.shape;
                if (s.Length != 3 || s[2] != InputSize)
                    throw new ArgumentException($"LSTM expected input {(BatchFirst ? "[B, T, " : "[T, B, ")}{InputSize}], got {Tensor.ShapeString(s)}", nameof(input));
                var batch = BatchFirst ? s[0] : s[1];
                var dirs = Bidirectional ? 2 : 1;
                using var scope = NewDisposeScope();
                var h = h0 ?? zeros(new[] { NumLayers * dirs, batch, HiddenSize }, input.dtype, input.device);
                var c = c0 ?? zeros(new[] { NumLayers * dirs, batch, HiddenSize }, input.dtype, input.device);
                var ps = _flat.Select(p => p.Handle).ToArray();
                IntPtr hn, cn;
                IntPtr output;
                fixed (IntPtr* pp = ps)
                    output = Native.NativeMethods.vt_lstm(input.Handle, h.Handle, c.Handle, pp, ps.Length, 1, NumLayers, DropoutP,
                        training ? 1 : 0, Bidirectional ? 1 : 0, BatchFirst ? 1 : 0, &hn, &cn);
                var o = Tensor.Wrap(output);
                var hT = Tensor.Wrap(hn);
                var cT = Tensor.Wrap(cn);
                scope.MoveToOuter(o, hT, cT);
                return (o, hT, cT);
            }
        }
    }
}
