namespace VideoTransformers.Training.Optimization;

/// <summary>The trainable parameters of a module split by whether weight decay applies to them.</summary>
/// <param name="Decay">Weights that are decayed (matrices and convolution kernels).</param>
/// <param name="NoDecay">Norm weights and biases, all biases, position embeddings, class and temporal tokens, and every 1-D parameter.</param>
public sealed record ParameterSplit(IReadOnlyList<NamedParameter> Decay, IReadOnlyList<NamedParameter> NoDecay);
