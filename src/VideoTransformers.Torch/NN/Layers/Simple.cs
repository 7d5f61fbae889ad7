namespace VideoTransformers.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Dropout with probability p (active in training mode only).</summary>
        public sealed class Dropout : Module<Tensor, Tensor>
        {
            /// <summary>Creates the layer.</summary>
            public Dropout(double p = 0.5) : base(nameof(Dropout))
            {
                if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
                P = p;
            }

            /// <summary>Drop probability.</summary>
            public double P { get; }

            /// <inheritdoc />
            public override Tensor forward(Tensor input) =>
                training && P > 0 ? functional.dropout(input, P, true) : input.alias();
        }

        /// <summary>GELU activation ("none" = exact erf form, "tanh" = approximation).</summary>
        public sealed class GELU : Module<Tensor, Tensor>
        {
            /// <summary>Creates the layer.</summary>
            public GELU(string approximate = "none") : base(nameof(GELU))
            {
                if (approximate is not ("none" or "tanh")) throw new ArgumentException("approximate must be 'none' or 'tanh'", nameof(approximate));
                Approximate = approximate;
            }

            /// <summary>"none" or "tanh".</summary>
            public string Approximate { get; }

            /// <inheritdoc />
            public override Tensor forward(Tensor input) => functional.gelu(input, Approximate);
        }

        /// <summary>ReLU activation.</summary>
        public sealed class ReLU : Module<Tensor, Tensor>
        {
            /// <summary>Creates the layer.</summary>
            public ReLU() : base(nameof(ReLU)) { }

            /// <inheritdoc />
            public override Tensor forward(Tensor input) => input.relu();
        }

        /// <summary>Returns its input (a new handle to the same tensor, so scopes stay simple).</summary>
        public sealed class Identity : Module<Tensor, Tensor>
        {
            /// <summary>Creates the layer.</summary>
            public Identity() : base(nameof(Identity)) { }

            /// <inheritdoc />
            public override Tensor forward(Tensor input) => input.alias();
        }

        /// <summary>Runs child modules in order; children are named "0", "1", ….</summary>
        public sealed class Sequential : Module<Tensor, Tensor>
        {
            private readonly List<Module<Tensor, Tensor>> _layers = new();

            /// <summary>Creates the container.</summary>
            public Sequential(params Module<Tensor, Tensor>[] layers) : base(nameof(Sequential))
            {
                foreach (var l in layers) append(l);
            }

            /// <summary>Appends a layer.</summary>
            public Sequential append(Module<Tensor, Tensor> layer)
            {
                register_module(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
                _layers.Add(layer);
                return this;
            }

            /// <summary>Number of layers.</summary>
            public int Count => _layers.Count;

            /// <summary>The i-th layer.</summary>
            public Module<Tensor, Tensor> this[int i] => _layers[i];

            /// <inheritdoc />
            public override Tensor forward(Tensor input)
            {
                if (_layers.Count == 0) return input.alias();
                using var scope = NewDisposeScope();
                var x = input;
                foreach (var l in _layers) x = l.forward(x);
                return scope.MoveToOuter(x);
            }
        }

        /// <summary>A list of child modules named "0", "1", … (like torch.nn.ModuleList).</summary>
        public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
        {
            private readonly List<T> _items = new();

            /// <summary>Creates the list.</summary>
            public ModuleList(IEnumerable<T> items) : base(nameof(ModuleList<T>))
            {
                foreach (var m in items) append(m);
            }

            /// <summary>Appends a module.</summary>
            public void append(T module)
            {
                register_module(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
                _items.Add(module);
            }

            /// <inheritdoc />
            public T this[int index] => _items[index];
            /// <inheritdoc />
            public int Count => _items.Count;
            /// <inheritdoc />
            public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();
            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
