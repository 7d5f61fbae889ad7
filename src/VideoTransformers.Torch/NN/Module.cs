using System.Reflection;

namespace VideoTransformers.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// Base class of all neural-network modules. A module owns parameters, buffers and child modules, registered
        /// under stable names; their dotted paths (e.g. <c>blocks.0.attn.qkv.weight</c>) are the keys of
        /// <see cref="state_dict"/>.
        /// </summary>
        public abstract class Module : IDisposable
        {
            private readonly OrderedDictionary<string, Parameter?> _parameters = new();
            private readonly OrderedDictionary<string, Tensor?> _buffers = new();
            private readonly HashSet<string> _nonPersistent = new();
            private readonly OrderedDictionary<string, Module> _modules = new();
            private bool _disposed;

            /// <summary>Creates a module with a display name.</summary>
            protected Module(string name) => this.name = name;

            /// <summary>The module's display name.</summary>
            public string name { get; }

            /// <summary>True in training mode (dropout and drop path active, batch-norm statistics updated).</summary>
            public bool training { get; private set; } = true;

            // ---------------- registration ----------------

            /// <summary>Registers (or replaces) a parameter under <paramref name="name"/>.</summary>
            public void register_parameter(string name, Parameter? parameter)
            {
                ValidateName(name);
                _parameters[name] = parameter;
            }

            /// <summary>Registers a buffer: state that is not trained (e.g. running statistics). Non-persistent buffers stay out of state_dict.</summary>
            public void register_buffer(string name, Tensor? tensor, bool persistent = true)
            {
                ValidateName(name);
                tensor?.DetachFromDisposeScope();
                _buffers[name] = tensor;
                if (persistent) _nonPersistent.Remove(name); else _nonPersistent.Add(name);
            }

            /// <summary>Registers a child module.</summary>
            public void register_module(string name, Module module)
            {
                ValidateName(name);
                _modules[name] = module;
            }

            private static void ValidateName(string name)
            {
                if (string.IsNullOrEmpty(name) || name.Contains('.'))
                    throw new ArgumentException($"Invalid member name '{name}': names must be non-empty and contain no '.'", nameof(name));
            }

            /// <summary>
            /// Registers every field of type <see cref="Module"/> or <see cref="Parameter"/>, in declaration order,
            /// under the field's name. Call it at the end of the constructor.
            /// </summary>
            protected void RegisterComponents()
            {
                var chain = new List<Type>();
                for (var t = GetType(); t != null && t != typeof(Module); t = t.BaseType) chain.Insert(0, t);
                foreach (var type in chain)
                {
                    var fields = type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly)
                        .OrderBy(f => f.MetadataToken);
                    foreach (var f in fields)
                    {
                        if (f.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute))) continue;
                        var value = f.GetValue(this);
                        switch (value)
                        {
                            case Parameter p when !_parameters.ContainsKey(f.Name): register_parameter(f.Name, p); break;
                            case Module m when !_modules.ContainsKey(f.Name) && !ReferenceEquals(m, this): register_module(f.Name, m); break;
                        }
                    }
                }
            }

            // ---------------- traversal ----------------

            /// <summary>Parameters of this module and (when <paramref name="recurse"/>) its descendants, with dotted names.</summary>
            public IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
            {
                var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
                foreach (var (prefix, m) in recurse ? named_modules() : new[] { ("", this) })
                    foreach (var kv in m._parameters)
                        if (kv.Value is not null && seen.Add(kv.Value))
                            yield return (Join(prefix, kv.Key), kv.Value);
            }

            /// <summary>All parameters.</summary>
            public IEnumerable<Parameter> parameters(bool recurse = true) => named_parameters(recurse).Select(p => p.parameter);

            /// <summary>Buffers with dotted names.</summary>
            public IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true)
            {
                foreach (var (prefix, m) in recurse ? named_modules() : new[] { ("", this) })
                    foreach (var kv in m._buffers)
                        if (kv.Value is not null)
                            yield return (Join(prefix, kv.Key), kv.Value);
            }

            /// <summary>All buffers.</summary>
            public IEnumerable<Tensor> buffers(bool recurse = true) => named_buffers(recurse).Select(b => b.buffer);

            /// <summary>Direct children with their names.</summary>
            public IEnumerable<(string name, Module module)> named_children() => _modules.Select(kv => (kv.Key, kv.Value));

            /// <summary>Direct children.</summary>
            public IEnumerable<Module> children() => _modules.Values;

            /// <summary>This module (name "") and all descendants, depth first, with dotted names.</summary>
            public IEnumerable<(string name, Module module)> named_modules()
            {
                var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
                var order = new List<(string, Module)>();
                // Depth-first pre-order, children in registration order.
                void Visit(string prefix, Module m)
                {
                    if (!seen.Add(m)) return;
                    order.Add((prefix, m));
                    foreach (var kv in m._modules) Visit(Join(prefix, kv.Key), kv.Value);
                }
                Visit("", this);
                return order;
            }

            /// <summary>All modules in the tree, this one first.</summary>
            public IEnumerable<Module> modules() => named_modules().Select(m => m.module);

            private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

            // ---------------- modes ----------------

            /// <summary>Sets training mode on this module and its descendants.</summary>
            public virtual Module train(bool on = true)
            {
                foreach (var m in modules()) m.training = on;
                return this;
            }

            /// <summary>Sets evaluation mode (dropout off, batch norm uses running statistics).</summary>
            public Module eval() => train(false);

            /// <summary>Clears the gradients of all parameters (set to none, as PyTorch 2 does by default).</summary>
            public void zero_grad()
            {
                foreach (var p in parameters()) p.grad = null;
            }

            /// <summary>Moves parameters and buffers to a device, in place, keeping the same Parameter objects.</summary>
            public Module to(Device device) => Apply(t => t.to(device));

            /// <summary>Converts floating-point parameters and buffers to <paramref name="dtype"/>, in place.</summary>
            public Module to(ScalarType dtype) => Apply(t => t.dtype.IsFloatingPoint() ? t.to(dtype) : t.clone());

            private Module Apply(Func<Tensor, Tensor> convert)
            {
                using var _ = no_grad();
                foreach (var p in parameters())
                {
                    var rg = p.requires_grad;
                    var moved = convert(p).DetachFromDisposeScope();
                    p.ReplaceHandle(moved);
                    p.requires_grad = rg;
                }
                foreach (var b in buffers())
                    b.ReplaceHandle(convert(b).DetachFromDisposeScope());
                return this;
            }

            // ---------------- state ----------------

            /// <summary>Parameters and persistent buffers by dotted name (the live tensors, not copies).</summary>
            public OrderedDictionary<string, Tensor> state_dict()
            {
                var sd = new OrderedDictionary<string, Tensor>();
                foreach (var (prefix, m) in named_modules())
                {
                    foreach (var kv in m._parameters)
                        if (kv.Value is not null) sd[Join(prefix, kv.Key)] = kv.Value;
                    foreach (var kv in m._buffers)
                        if (kv.Value is not null && !m._nonPersistent.Contains(kv.Key)) sd[Join(prefix, kv.Key)] = kv.Value;
                }
                return sd;
            }

            /// <summary>
            /// Copies values from <paramref name="state"/> into this module's parameters and buffers. With
            /// <paramref name="strict"/>, any missing key, unexpected key or shape mismatch throws a
            /// <see cref="StateDictException"/> naming each one, and nothing is changed.
            /// </summary>
            public (IReadOnlyList<string> missing, IReadOnlyList<string> unexpected) load_state_dict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
            {
                var own = state_dict();
                var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
                var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
                var mismatched = new List<string>();
                foreach (var kv in own)
                {
                    if (!state.TryGetValue(kv.Key, out var src)) continue;
                    var a = kv.Value.shape;
                    var b = src.shape;
                    if (!a.SequenceEqual(b))
                        mismatched.Add($"{kv.Key}: copying a param with shape {Tensor.ShapeString(b)}, the shape in the current model is {Tensor.ShapeString(a)}");
                }
                if (mismatched.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
                    throw new StateDictException(missing, unexpected, mismatched);
                using (no_grad())
                {
                    foreach (var kv in own)
                        if (state.TryGetValue(kv.Key, out var src)) kv.Value.copy_(src);
                }
                return (missing, unexpected);
            }

            /// <summary>Number of parameter elements (trainable only, by default).</summary>
            public long parameter_count(bool trainable_only = true) =>
                parameters().Where(p => !trainable_only || p.requires_grad).Sum(p => p.numel());

            // ---------------- disposal ----------------

            /// <summary>Frees parameters, buffers and child modules.</summary>
            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            /// <summary>Frees owned tensors and children.</summary>
            protected virtual void Dispose(bool disposing)
            {
                if (_disposed || !disposing) return;
                _disposed = true;
                foreach (var m in _modules.Values) m.Dispose();
                foreach (var p in _parameters.Values) p?.Dispose();
                foreach (var b in _buffers.Values) b?.Dispose();
            }
        }

        /// <summary>A module with one input and one output.</summary>
        public abstract class Module<T, TResult> : Module
        {
            /// <summary>Creates the module.</summary>
            protected Module(string name) : base(name) { }

            /// <summary>The computation.</summary>
            public abstract TResult forward(T input);

            /// <summary>Runs <see cref="forward"/> (TorchSharp's call convention).</summary>
            public TResult call(T input) => forward(input);
        }

        /// <summary>A module with two inputs and one output.</summary>
        public abstract class Module<T1, T2, TResult> : Module
        {
            /// <summary>Creates the module.</summary>
            protected Module(string name) : base(name) { }

            /// <summary>The computation.</summary>
            public abstract TResult forward(T1 input1, T2 input2);

            /// <summary>Runs <see cref="forward"/>.</summary>
            public TResult call(T1 input1, T2 input2) => forward(input1, input2);
        }
    }
}
