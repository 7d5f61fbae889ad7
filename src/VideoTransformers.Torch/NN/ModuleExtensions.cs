using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Torch;

/// <summary>What VideoTransformers adds to TorchSharp's <see cref="nn.Module"/>.</summary>
public static class ModuleExtensions
{
    /// <summary>Number of parameter elements (trainable only, by default).</summary>
    public static long parameter_count(this nn.Module module, bool trainable_only = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.parameters().Where(p => !trainable_only || p.requires_grad).Sum(p => p.numel());
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into the module's parameters and persistent buffers (converting
    /// dtype where they differ). Unlike TorchSharp's <c>load_state_dict</c>, every missing key, unexpected key and
    /// shape mismatch is named in the <see cref="StateDictException"/>, and nothing is changed when one is thrown.
    /// Shape mismatches always throw; missing and unexpected keys throw when <paramref name="strict"/>.
    /// </summary>
    /// <returns>The missing and unexpected keys (empty when strict).</returns>
    public static (IReadOnlyList<string> missing, IReadOnlyList<string> unexpected) load_state_dict_checked(
        this nn.Module module, IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(state);
        var own = module.state_dict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatched = new List<string>();
        foreach (var (key, tensor) in own)
        {
            if (!state.TryGetValue(key, out var src)) continue;
            if (!tensor.shape.SequenceEqual(src.shape))
                mismatched.Add($"{key}: copying a param with shape {Shapes.Format(src.shape)}, the shape in the current model is {Shapes.Format(tensor.shape)}");
        }
        if (mismatched.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw new StateDictException(missing, unexpected, mismatched);
        using (no_grad())
        {
            foreach (var (key, tensor) in own)
                if (state.TryGetValue(key, out var src)) tensor.copy_(src);
        }
        return (missing, unexpected);
    }
}
