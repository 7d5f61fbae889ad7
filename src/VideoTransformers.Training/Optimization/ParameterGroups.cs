using TorchSharp;
using VideoTransformers.Training.Configuration;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Optimization;

/// <summary>
/// Splits a model's parameters into a decayed and an undecayed optimizer group. Decaying LayerNorm/BatchNorm scales
/// pulls them toward zero, and decaying biases, position embeddings or class tokens only shrinks offsets that carry no
/// capacity to overfit; the ViT, DeiT and TimeSformer recipes exclude them all.
/// </summary>
public static class ParameterGroups
{
    /// <summary>
    /// Name segments that mark a parameter as undecayed. A segment matches when it equals one of these, or has it as a
    /// word joined by '_' (e.g. <c>temporal_pos_embed</c>, <c>norm_in</c>, <c>emb_norm</c>), trailing digits ignored
    /// (<c>norm1</c>).
    /// </summary>
    public static IReadOnlyList<string> NoDecaySegments { get; } =
        ["bias", "norm", "pos_embed", "cls_token", "temporal_token", "time_embed", "space", "time"];

    /// <summary>True when <paramref name="name"/> (a dotted parameter name) or its shape marks a parameter that must not be decayed.</summary>
    public static bool IsNoDecay(string name, long[] shape) =>
        shape.Length <= 1 || name.Split('.').Any(segment => NoDecaySegments.Any(token => SegmentMatches(segment, token)));

    /// <summary>Splits the trainable parameters of <paramref name="module"/> (those that require grad), keeping module order.</summary>
    public static ParameterSplit Split(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        // Parameters of norm layers are undecayed by their module's type too, whatever they are called.
        var normParameters = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var m in module.modules())
            if (m is LayerNorm or BatchNorm)
                foreach (var p in m.parameters(recurse: false)) normParameters.Add(p);

        var decay = new List<NamedParameter>();
        var noDecay = new List<NamedParameter>();
        foreach (var (name, p) in module.named_parameters())
        {
            if (!p.requires_grad) continue;
            (normParameters.Contains(p) || IsNoDecay(name, p.shape) ? noDecay : decay).Add(new NamedParameter(name, p));
        }
        return new ParameterSplit(decay, noDecay);
    }

    /// <summary>
    /// Optimizer groups for <paramref name="module"/>: the decayed parameters with <paramref name="weightDecay"/>, then
    /// the undecayed ones with 0. An empty group is left out. <see cref="OptimizerFactory.Create(TrainingConfig, IReadOnlyList{DecayGroup})"/>
    /// turns them into the groups of a TorchSharp optimizer, each with its weight decay set explicitly.
    /// </summary>
    public static IReadOnlyList<DecayGroup> Build(nn.Module module, double weightDecay)
    {
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be a finite number >= 0");
        var split = Split(module);
        var groups = new List<DecayGroup>();
        if (split.Decay.Count > 0) groups.Add(new DecayGroup(split.Decay.Select(x => x.Parameter).ToList(), weightDecay));
        if (split.NoDecay.Count > 0) groups.Add(new DecayGroup(split.NoDecay.Select(x => x.Parameter).ToList(), 0));
        if (groups.Count == 0) throw new ArgumentException($"{module.GetName()} has no trainable parameters.", nameof(module));
        return groups;
    }

    private static bool SegmentMatches(string segment, string token)
    {
        var s = segment.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        return s == token || s.StartsWith(token + "_", StringComparison.Ordinal) || s.EndsWith("_" + token, StringComparison.Ordinal)
               || s.Contains("_" + token + "_", StringComparison.Ordinal);
    }
}
