using System.Globalization;

namespace VideoTransformers.Torch;

public static partial class torch
{
    /// <summary>Optimizers and learning-rate schedules (torch.optim).</summary>
    public static partial class optim
    {
        /// <summary>A set of parameters sharing a learning rate and weight decay (e.g. no decay on norms and biases).</summary>
        public sealed class ParamGroup
        {
            /// <summary>Creates a group; null hyper-parameters take the optimizer's defaults.</summary>
            public ParamGroup(IEnumerable<nn.Parameter> parameters, double? lr = null, double? weight_decay = null)
            {
                Parameters = parameters.ToList();
                LrOverride = lr;
                WeightDecayOverride = weight_decay;
            }

            /// <summary>The parameters.</summary>
            public IReadOnlyList<nn.Parameter> Parameters { get; }
            /// <summary>Current learning rate (schedulers write it).</summary>
            public double lr { get; set; }
            /// <summary>The learning rate the group started with (schedulers scale it).</summary>
            public double initial_lr { get; set; }
            /// <summary>Weight decay.</summary>
            public double weight_decay { get; set; }
            internal double? LrOverride { get; }
            internal double? WeightDecayOverride { get; }
        }

        /// <summary>A serialisable optimizer state: per-parameter tensors plus scalars (steps, learning rates).</summary>
        public sealed record OptimizerStateDict(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, double> Scalars);

        /// <summary>Base class of optimizers: parameter groups, per-parameter state, zero_grad and state_dict.</summary>
        public abstract class Optimizer : IDisposable
        {
            private readonly List<ParamGroup> _groups;
            /// <summary>Per-parameter state tensors (e.g. exp_avg), keyed by the parameter's flat index.</summary>
            protected readonly Dictionary<int, Dictionary<string, Tensor>> State = new();
            /// <summary>Per-parameter step counts.</summary>
            protected readonly Dictionary<int, long> Steps = new();

            /// <summary>Creates the optimizer over parameter groups.</summary>
            protected Optimizer(IEnumerable<ParamGroup> groups, double lr, double weight_decay)
            {
                if (lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), lr, "learning rate must be non-negative");
                if (weight_decay < 0) throw new ArgumentOutOfRangeException(nameof(weight_decay), weight_decay, "weight decay must be non-negative");
                _groups = groups.ToList();
                if (_groups.Count == 0 || _groups.All(g => g.Parameters.Count == 0)) throw new ArgumentException("optimizer got an empty parameter list");
                foreach (var g in _groups)
                {
                    g.lr = g.LrOverride ?? lr;
                    g.initial_lr = g.lr;
                    g.weight_decay = g.WeightDecayOverride ?? weight_decay;
                }
            }

            /// <summary>The parameter groups.</summary>
            public IReadOnlyList<ParamGroup> param_groups => _groups;

            /// <summary>Every parameter with its flat index (stable across save and load).</summary>
            protected IEnumerable<(int index, ParamGroup group, nn.Parameter p)> Indexed()
            {
                var i = 0;
                foreach (var g in _groups)
                    foreach (var p in g.Parameters)
                        yield return (i++, g, p);
            }

            /// <summary>Clears all gradients (to none by default).</summary>
            public void zero_grad(bool set_to_none = true)
            {
                foreach (var (_, _, p) in Indexed())
                {
                    if (set_to_none) { p.grad = null; continue; }
                    using var g = p.grad;
                    g?.zero_();
                }
            }

            /// <summary>Applies one update using the current gradients.</summary>
            public void step()
            {
                using var _ = no_grad();
                using var scope = NewDisposeScope();
                foreach (var (i, g, p) in Indexed())
                {
                    using var grad = p.grad;
                    if (grad is null) continue;
                    Steps[i] = Steps.GetValueOrDefault(i) + 1;
                    Update(i, g, p, grad);
                }
            }

            /// <summary>Updates one parameter (runs under no_grad inside a dispose scope).</summary>
            protected abstract void Update(int index, ParamGroup group, nn.Parameter p, Tensor grad);

            /// <summary>Gets or lazily creates a state tensor that lives as long as the optimizer.</summary>
            protected Tensor StateTensor(int index, string name, Func<Tensor> create)
            {
                if (!State.TryGetValue(index, out var s)) State[index] = s = new Dictionary<string, Tensor>();
                if (!s.TryGetValue(name, out var t))
                {
                    t = create().DetachFromDisposeScope();
                    s[name] = t;
                }
                return t;
            }

            /// <summary>True when the state tensor exists.</summary>
            protected bool HasState(int index, string name) => State.TryGetValue(index, out var s) && s.ContainsKey(name);

            /// <summary>The state for exact resume: tensors "state.{i}.{name}", scalars "state.{i}.step" and "group.{g}.lr".</summary>
            public OptimizerStateDict state_dict()
            {
                var tensors = new Dictionary<string, Tensor>();
                var scalars = new Dictionary<string, double>();
                foreach (var (i, s) in State)
                    foreach (var (name, t) in s)
                        tensors[$"state.{i}.{name}"] = t;
                foreach (var (i, n) in Steps) scalars[$"state.{i}.step"] = n;
                for (var g = 0; g < _groups.Count; g++)
                {
                    scalars[$"group.{g}.lr"] = _groups[g].lr;
                    scalars[$"group.{g}.initial_lr"] = _groups[g].initial_lr;
                    scalars[$"group.{g}.weight_decay"] = _groups[g].weight_decay;
                }
                return new OptimizerStateDict(tensors, scalars);
            }

            /// <summary>Restores a state written by <see cref="state_dict"/> (values are copied).</summary>
            public void load_state_dict(OptimizerStateDict state)
            {
                var count = Indexed().Count();
                foreach (var kv in state.Scalars)
                {
                    var parts = kv.Key.Split('.');
                    if (parts.Length != 3) throw new ArgumentException($"Unrecognised optimizer state key '{kv.Key}'");
                    var idx = int.Parse(parts[1], CultureInfo.InvariantCulture);
                    if (parts[0] == "state" && parts[2] == "step")
                    {
                        if (idx >= count) throw new ArgumentException($"Optimizer state refers to parameter {idx} but the optimizer has {count}");
                        Steps[idx] = (long)kv.Value;
                    }
                    else if (parts[0] == "group")
                    {
                        if (idx >= _groups.Count) throw new ArgumentException($"Optimizer state has group {idx} but the optimizer has {_groups.Count} groups");
                        switch (parts[2])
                        {
                            case "lr": _groups[idx].lr = kv.Value; break;
                            case "initial_lr": _groups[idx].initial_lr = kv.Value; break;
                            case "weight_decay": _groups[idx].weight_decay = kv.Value; break;
                        }
                    }
                }
                var parameters = Indexed().ToDictionary(x => x.index, x => x.p);
                foreach (var kv in state.Tensors)
                {
                    var parts = kv.Key.Split('.', 3);
                    if (parts.Length != 3 || parts[0] != "state") throw new ArgumentException($"Unrecognised optimizer state key '{kv.Key}'");
                    var idx = int.Parse(parts[1], CultureInfo.InvariantCulture);
                    if (!parameters.TryGetValue(idx, out var p)) throw new ArgumentException($"Optimizer state refers to parameter {idx} but the optimizer has {count}");
                    var src = kv.Value;
                    if (!src.shape.SequenceEqual(p.shape))
                        throw new ArgumentException($"Optimizer state '{kv.Key}' has shape {Tensor.ShapeString(src.shape)} but parameter {idx} has {Tensor.ShapeString(p.shape)}");
                    using var _ = no_grad();
                    var t = StateTensor(idx, parts[2], () => zeros_like(p));
                    t.copy_(src);
                }
            }

            /// <summary>Frees the state tensors.</summary>
            public void Dispose()
            {
                foreach (var s in State.Values)
                    foreach (var t in s.Values) t.Dispose();
                State.Clear();
                GC.SuppressFinalize(this);
            }
        }
    }
}
