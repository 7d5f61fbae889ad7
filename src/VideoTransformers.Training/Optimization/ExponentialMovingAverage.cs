using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Optimization;

/// <summary>
/// An exponential moving average of a model's weights (Polyak averaging, as timm's <c>ModelEmaV3</c> and DeiT use it):
/// after every optimizer step <c>ema ← d·ema + (1 − d)·w</c> for every floating-point entry of the state dict, with
/// the warmed-up decay <c>d = min(decay, (1 + t) / (10 + t))</c> at optimizer step <c>t</c>, so that early averages are
/// not dominated by the random initialisation. Entries that are not floating point (counters) are copied.
/// <para>
/// The average lives in tensors of its own, on the model's device. <see cref="Swap"/> exchanges them with the model's
/// weights in place, which is how the trainer evaluates and saves the averaged model and then goes on training the raw
/// one: swapping twice restores both exactly.
/// </para>
/// </summary>
public sealed class ExponentialMovingAverage : IDisposable
{
    private readonly List<(string Name, Tensor Shadow, bool Floating)> _entries = new();

    /// <summary>Starts the average at <paramref name="model"/>'s current weights.</summary>
    /// <param name="model">The model whose state dict is averaged.</param>
    /// <param name="decay">The decay d in (0, 1); 0.999 averages over roughly the last 1,000 steps.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is not in (0, 1).</exception>
    public ExponentialMovingAverage(nn.Module model, double decay)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(decay > 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "The EMA decay must be in (0, 1).");
        Decay = decay;
        // The scope frees the detached views; only the clones, taken out of it, live on.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, t) in model.state_dict())
            _entries.Add((name, t.detach().clone().DetachFromDisposeScope(), t.is_floating_point()));
    }

    /// <summary>The configured decay (the upper bound of the warmed-up decay).</summary>
    public double Decay { get; }

    /// <summary>The names of the averaged state-dict entries, in the model's order.</summary>
    public IEnumerable<string> Names => _entries.Select(e => e.Name);

    /// <summary>The decay used after optimizer step <paramref name="step"/> (1-based): <c>min(decay, (1 + t) / (10 + t))</c>.</summary>
    public double DecayAt(long step) => Math.Min(Decay, (1.0 + step) / (10.0 + step));

    /// <summary>Folds <paramref name="model"/>'s current weights into the average after optimizer step <paramref name="step"/> (1-based).</summary>
    public void Update(nn.Module model, long step)
    {
        ArgumentNullException.ThrowIfNull(model);
        var d = DecayAt(step);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var current = State(model);
        foreach (var (name, shadow, floating) in _entries)
        {
            var w = current[name];
            // lerp_(w, 1 - d) is d·ema + (1 - d)·w in one kernel, without a temporary. TorchSharp's lerp_ takes the
            // weight as a tensor only, and libtorch wants it in the entry's dtype.
            if (floating) shadow.lerp_(w, tensor(1 - d, dtype: shadow.dtype, device: shadow.device));
            else shadow.copy_(w);
        }
    }

    /// <summary>Exchanges the average with <paramref name="model"/>'s weights, in place. Calling it twice restores both.</summary>
    public void Swap(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var current = State(model);
        foreach (var (name, shadow, _) in _entries)
        {
            var w = current[name];
            var held = w.clone();
            w.copy_(shadow);
            shadow.copy_(held);
        }
    }

    /// <summary>Overwrites the average with <paramref name="weights"/> (a state dict of the same model, e.g. from a checkpoint).</summary>
    /// <exception cref="InvalidDataException">An entry is missing or has another shape.</exception>
    public void Load(IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var _ = no_grad();
        foreach (var (name, shadow, _) in _entries)
        {
            if (!weights.TryGetValue(name, out var w)) throw new InvalidDataException($"The EMA weights lack '{name}'.");
            if (!w.shape.SequenceEqual(shadow.shape))
                throw new InvalidDataException($"The EMA weight '{name}' has shape [{string.Join(", ", w.shape)}], the model's is [{string.Join(", ", shadow.shape)}].");
            shadow.copy_(w);
        }
    }

    /// <summary>The averaged tensors by state-dict name (owned by this object: do not dispose them).</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => _entries.ToDictionary(e => e.Name, e => e.Shadow);

    /// <summary>Frees the averaged tensors.</summary>
    public void Dispose()
    {
        foreach (var e in _entries) e.Shadow.Dispose();
        _entries.Clear();
    }

    private Dictionary<string, Tensor> State(nn.Module model)
    {
        var state = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        if (state.Count != _entries.Count || _entries.Any(e => !state.ContainsKey(e.Name)))
            throw new InvalidOperationException("The model's state dict no longer matches the one the EMA was created from.");
        return state;
    }
}
