using System.Globalization;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Optimization;

/// <summary>
/// What the trainer needs from TorchSharp's optimizers beyond <c>step</c>: their parameter groups with learning rate
/// and weight decay, and their per-parameter state as plain tensors and scalars, so that a checkpoint holds it in
/// safetensors (TorchSharp's own <c>save_state_dict</c> writes a format of its own) and a resumed run continues bit for
/// bit. Adam, AdamW and SGD are supported: the optimizers <see cref="OptimizerFactory"/> builds.
/// </summary>
public static class OptimizerExtensions
{
    /// <summary>The optimizer's parameter groups, in order.</summary>
    /// <exception cref="NotSupportedException">The optimizer's groups are not TorchSharp <see cref="ParamGroup"/>s (a native optimizer such as LBFGS).</exception>
    public static IReadOnlyList<ParamGroup> Groups(this optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return optimizer.ParamGroups.Select(g => g as ParamGroup
            ?? throw new NotSupportedException($"{optimizer.GetType().Name} does not expose TorchSharp parameter groups.")).ToList();
    }

    /// <summary>The weight decay of <paramref name="group"/> (an Adam, AdamW or SGD group).</summary>
    public static double WeightDecay(this ParamGroup group) => WeightDecayOption(group) ?? 0;

    /// <summary>Sets the weight decay of <paramref name="group"/> (an Adam, AdamW or SGD group).</summary>
    public static void SetWeightDecay(this ParamGroup group, double value)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "weight decay must be a finite number >= 0");
        switch (group.Options)
        {
            case Adam.Options a: a.weight_decay = value; break;
            case AdamW.Options w: w.weight_decay = value; break;
            case SGD.Options s: s.weight_decay = value; break;
            default: throw Unsupported(group.Options);
        }
    }

    /// <summary>
    /// The optimizer's state as tensors and scalars (see <see cref="OptimizerStateDict"/>). The tensors are the
    /// optimizer's own, not copies: write them out before the next step, and do not dispose them.
    /// </summary>
    public static OptimizerStateDict tensor_state_dict(this optim.Optimizer optimizer)
    {
        var states = States(optimizer);
        var tensors = new Dictionary<string, Tensor>();
        var scalars = new Dictionary<string, double>();
        for (var i = 0; i < states.Count; i++)
        {
            foreach (var (name, t) in Slots(states[i]))
                if (t is not null) tensors[$"state.{i}.{name}"] = t;
            if (Step(states[i]) is { } step) scalars[$"state.{i}.step"] = step;
        }
        var groups = optimizer.Groups();
        for (var g = 0; g < groups.Count; g++)
        {
            scalars[$"group.{g}.lr"] = groups[g].LearningRate;
            scalars[$"group.{g}.initial_lr"] = groups[g].InitialLearningRate;
            scalars[$"group.{g}.weight_decay"] = groups[g].WeightDecay();
        }
        return new OptimizerStateDict(tensors, scalars);
    }

    /// <summary>
    /// Restores a state written by <see cref="tensor_state_dict"/>: values are copied into the optimizer's state
    /// tensors (created where the optimizer has none yet, such as SGD's momentum before its first step), step counts
    /// and group hyper-parameters are set, and every state the dictionary lacks is reset to a fresh optimizer's. The
    /// whole dictionary is checked before anything changes, so a refused one leaves the optimizer as it was.
    /// </summary>
    /// <exception cref="ArgumentException">A key is not recognised, names a parameter or group the optimizer lacks, or a tensor's shape or dtype differs from its parameter's.</exception>
    public static void load_tensor_state_dict(this optim.Optimizer optimizer, OptimizerStateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var states = States(optimizer);
        var groups = optimizer.Groups();
        var parameters = groups.SelectMany(g => g.Parameters).ToList();
        var steps = new Dictionary<int, long>();
        var groupValues = new List<(int Group, string Name, double Value)>();
        foreach (var (key, value) in state.Scalars)
        {
            var parts = key.Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                throw new ArgumentException($"Unrecognised optimizer state key '{key}'.", nameof(state));
            if (parts[0] == "state" && parts[2] == "step")
            {
                if (index >= states.Count) throw new ArgumentException($"Optimizer state refers to parameter {index} but the optimizer has {states.Count}.", nameof(state));
                if (!(value >= 0 && value <= long.MaxValue && value == Math.Floor(value)))
                    throw new ArgumentException($"Optimizer state '{key}' = {value} is not a step count.", nameof(state));
                steps[index] = (long)value;
            }
            else if (parts[0] == "group" && parts[2] is "lr" or "initial_lr" or "weight_decay")
            {
                if (index >= groups.Count) throw new ArgumentException($"Optimizer state has group {index} but the optimizer has {groups.Count} groups.", nameof(state));
                if (!double.IsFinite(value) || value < 0) throw new ArgumentException($"Optimizer state '{key}' = {value} is not a valid {parts[2]}.", nameof(state));
                groupValues.Add((index, parts[2], value));
            }
            else throw new ArgumentException($"Unrecognised optimizer state key '{key}'.", nameof(state));
        }
        var sources = new Dictionary<(int Index, string Name), Tensor>();
        foreach (var (key, t) in state.Tensors)
        {
            var parts = key.Split('.', 3);
            if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                throw new ArgumentException($"Unrecognised optimizer state key '{key}'.", nameof(state));
            if (index >= states.Count) throw new ArgumentException($"Optimizer state refers to parameter {index} but the optimizer has {states.Count}.", nameof(state));
            if (!Slots(states[index]).Any(s => s.Name == parts[2]))
                throw new ArgumentException($"Optimizer state '{key}': {optimizer.GetType().Name} keeps no '{parts[2]}' per parameter.", nameof(state));
            var p = parameters[index];
            if (!t.shape.SequenceEqual(p.shape))
                throw new ArgumentException($"Optimizer state '{key}' has shape {Shapes.Format(t.shape)} but parameter {index} has {Shapes.Format(p.shape)}.", nameof(state));
            if (t.dtype != p.dtype)
                throw new ArgumentException($"Optimizer state '{key}' is {t.dtype} but parameter {index} is {p.dtype}.", nameof(state));
            sources[(index, parts[2])] = t;
        }

        // Checked: from here on nothing throws on the dictionary's account.
        using (no_grad())
        {
            for (var i = 0; i < states.Count; i++)
            {
                foreach (var (name, current) in Slots(states[i]))
                {
                    sources.TryGetValue((i, name), out var source);
                    SetSlot(states[i], name, current, source, parameters[i]);
                }
                SetStep(states[i], steps.GetValueOrDefault(i));
            }
        }
        foreach (var (g, name, value) in groupValues)
        {
            switch (name)
            {
                case "lr": groups[g].LearningRate = value; break;
                case "initial_lr": groups[g].InitialLearningRate = value; break;
                default: groups[g].SetWeightDecay(value); break;
            }
        }
    }

    private static List<OptimizerState> States(optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer is not OptimizerHelper helper)
            throw new NotSupportedException($"{optimizer.GetType().Name} keeps its state in native code; only TorchSharp's managed optimizers can be checkpointed.");
        var states = helper.state_dict().State;
        foreach (var s in states) Slots(s); // throws for an optimizer whose state this class does not know
        return states;
    }

    // The state tensors of one parameter by name; an entry is null until the optimizer creates it.
    private static (string Name, Tensor? Value)[] Slots(OptimizerState state) => state switch
    {
        Adam.State a => [("exp_avg", a.exp_avg), ("exp_avg_sq", a.exp_avg_sq), ("max_exp_avg_sq", a.max_exp_avg_sq)],
        AdamW.State w => [("exp_avg", w.exp_avg), ("exp_avg_sq", w.exp_avg_sq), ("max_exp_avg_sq", w.max_exp_avg_sq)],
        SGD.State s => [("momentum_buffer", s.momentum_buffer)],
        _ => throw Unsupported(state),
    };

    private static long? Step(OptimizerState state) => state switch
    {
        Adam.State a => a.step,
        AdamW.State w => w.step,
        _ => null,
    };

    private static void SetStep(OptimizerState state, long step)
    {
        switch (state)
        {
            case Adam.State a: a.step = step; break;
            case AdamW.State w: w.step = step; break;
        }
    }

    // Copies source into the slot. Without a source the slot goes back to a fresh optimizer's: zeros for the tensors
    // TorchSharp's Adam and AdamW make when the optimizer is built (exp_avg, exp_avg_sq, and max_exp_avg_sq with
    // amsgrad), none for SGD's momentum buffer, which its first step makes.
    private static void SetSlot(OptimizerState state, string name, Tensor? current, Tensor? source, Parameter parameter)
    {
        if (source is not null && current is not null)
        {
            current.copy_(source);
            return;
        }
        if (source is null)
        {
            if (name == "momentum_buffer" && current is not null)
            {
                current.Dispose();
                ((SGD.State)state).momentum_buffer = null!;
            }
            else current?.zero_();
            return;
        }
        // The optimizer has no tensor there yet: a copy of its own, on the parameter's device, outside any dispose scope.
        var created = source.to(parameter.device).clone().detach().DetachFromDisposeScope();
        switch (state, name)
        {
            case (Adam.State a, "max_exp_avg_sq"): a.max_exp_avg_sq = created; break;
            case (AdamW.State w, "max_exp_avg_sq"): w.max_exp_avg_sq = created; break;
            case (SGD.State s, "momentum_buffer"): s.momentum_buffer = created; break;
            default:
                created.Dispose();
                throw new InvalidOperationException($"{state.GetType().FullName} has no '{name}' tensor to create.");
        }
    }

    private static double? WeightDecayOption(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Options switch
        {
            Adam.Options a => a.weight_decay,
            AdamW.Options w => w.weight_decay,
            SGD.Options s => s.weight_decay,
            var o => throw Unsupported(o),
        };
    }

    private static NotSupportedException Unsupported(object? o) =>
        new($"{o?.GetType().FullName ?? "null"}: only Adam, AdamW and SGD optimizers are supported here.");
}
