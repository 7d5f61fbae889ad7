using System.Text.Json.Serialization;

namespace VideoTransformers.Training.Configuration;

/// <summary>The optimizer of a run (YAML <c>optimizer</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    /// <summary>Adam with L2 weight decay added to the gradient (torch.optim.Adam).</summary>
    [JsonStringEnumMemberName("adam")] Adam,
    /// <summary>Adam with decoupled weight decay (torch.optim.AdamW).</summary>
    [JsonStringEnumMemberName("adamw")] AdamW,
    /// <summary>Stochastic gradient descent with momentum (torch.optim.SGD).</summary>
    [JsonStringEnumMemberName("sgd")] Sgd,
}
