using TorchSharp.Modules;

namespace VideoTransformers.Training.Optimization;

/// <summary>
/// Parameters that share a weight decay, as <see cref="ParameterGroups.Build"/> splits them. TorchSharp's parameter
/// groups are typed per optimizer (AdamW's, Adam's, SGD's), so this neutral form is what
/// <see cref="OptimizerFactory"/> turns into the groups of the optimizer it builds.
/// </summary>
/// <param name="Parameters">The parameters, in module order.</param>
/// <param name="WeightDecay">Their weight decay (0 for norms, biases, embeddings and tokens).</param>
public sealed record DecayGroup(IReadOnlyList<Parameter> Parameters, double WeightDecay);
