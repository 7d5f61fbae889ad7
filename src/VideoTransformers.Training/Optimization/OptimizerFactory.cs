using VideoTransformers.Training.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Optimization;

/// <summary>Builds the TorchSharp optimizer a <see cref="TrainingConfig"/> asks for, over <see cref="ParameterGroups"/>.</summary>
public static class OptimizerFactory
{
    /// <summary>
    /// Creates the optimizer for <paramref name="model"/>'s trainable parameters. Build it after any
    /// <c>Module.to(dtype)</c> or <c>to(device)</c>: those replace the Parameter objects an optimizer holds.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="config"/> has problems (<see cref="TrainingConfig.Problems"/>).</exception>
    public static optim.Optimizer Create(TrainingConfig config, nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(model);
        // A public entry point that takes a configuration built anywhere: checked here, once.
        config.EnsureValid();
        return CreateChecked(config, model);
    }

    /// <summary>
    /// Creates the optimizer of <paramref name="config"/> over <paramref name="groups"/>. Every group gets its weight
    /// decay set explicitly (TorchSharp's AdamW defaults to 0, PyTorch's to 0.01), and the learning rate, betas, eps and
    /// momentum of the configuration.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="config"/> has problems (<see cref="TrainingConfig.Problems"/>), or no group has parameters.</exception>
    public static optim.Optimizer Create(TrainingConfig config, IReadOnlyList<DecayGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(groups);
        config.EnsureValid();
        return Build(config, groups);
    }

    /// <summary>As <see cref="Create(TrainingConfig, nn.Module)"/> for a configuration the caller has validated (the trainer's).</summary>
    internal static optim.Optimizer CreateChecked(TrainingConfig config, nn.Module model) =>
        Build(config, ParameterGroups.Build(model, config.WeightDecay));

    private static optim.Optimizer Build(TrainingConfig config, IReadOnlyList<DecayGroup> groups)
    {
        if (groups.Count == 0 || groups.All(g => g.Parameters.Count == 0)) throw new ArgumentException("The optimizer got no parameters.", nameof(groups));
        return config.Optimizer switch
        {
            OptimizerKind.Adam => new Adam(
                groups.Select(g => new Adam.ParamGroup(g.Parameters, new Adam.Options { weight_decay = g.WeightDecay })),
                config.LearningRate, config.Beta1, config.Beta2, config.Eps, weight_decay: config.WeightDecay, amsgrad: false, maximize: false),
            OptimizerKind.AdamW => new AdamW(
                groups.Select(g => new AdamW.ParamGroup(g.Parameters, new AdamW.Options { weight_decay = g.WeightDecay })),
                config.LearningRate, config.Beta1, config.Beta2, config.Eps, weight_decay: config.WeightDecay, amsgrad: false, maximize: false),
            OptimizerKind.Sgd => new SGD(
                groups.Select(g => new SGD.ParamGroup(g.Parameters, new SGD.Options { weight_decay = g.WeightDecay })),
                config.LearningRate, config.Momentum, dampening: 0, weight_decay: config.WeightDecay, nesterov: config.Nesterov, maximize: false),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Optimizer, "unknown optimizer"),
        };
    }
}
