using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Optimization;

/// <summary>
/// An optimizer's state in the form a checkpoint stores it: per-parameter tensors <c>state.{i}.{name}</c> (i counts the
/// parameters group by group, e.g. <c>state.0.exp_avg</c>) and scalars <c>state.{i}.step</c>,
/// <c>group.{g}.lr</c>, <c>group.{g}.initial_lr</c> and <c>group.{g}.weight_decay</c>. See
/// <see cref="OptimizerExtensions.tensor_state_dict"/> and <see cref="OptimizerExtensions.load_tensor_state_dict"/>.
/// </summary>
/// <param name="Tensors">The state tensors by key; from <see cref="OptimizerExtensions.tensor_state_dict"/> they are the optimizer's own (do not dispose them).</param>
/// <param name="Scalars">Step counts and group hyper-parameters by key.</param>
public sealed record OptimizerStateDict(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, double> Scalars);
