using VideoTransformers.Training.Configuration;
using static VideoTransformers.Torch.torch;

namespace VideoTransformers.Training.Optimization;

/// <summary>Builds the optimizer a <see cref="TrainingConfig"/> asks for, over <see cref="ParameterGroups"/>.</summary>
public static class OptimizerFactory
{
    /// <summary>Creates the optimizer for <paramref name="model"/>'s trainable parameters.</summary>
    public static optim.Optimizer Create(TrainingConfig config, nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(model);
        config.EnsureValid();
        var groups = ParameterGroups.Build(model, config.WeightDecay);
        return config.Optimizer switch
        {
            OptimizerKind.Adam => new optim.Adam(groups, config.LearningRate, config.Beta1, config.Beta2, config.Eps, config.WeightDecay),
            OptimizerKind.AdamW => new optim.AdamW(groups, config.LearningRate, config.Beta1, config.Beta2, config.Eps, config.WeightDecay),
            OptimizerKind.Sgd => new optim.SGD(groups, config.LearningRate, config.Momentum, 0, config.WeightDecay, config.Nesterov),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Optimizer, "unknown optimizer"),
        };
    }
}
