using System.Text.Json.Serialization;

namespace VideoTransformers.Training.Configuration;

/// <summary>
/// A validation metric that early stopping watches and that picks the best checkpoint (YAML <c>monitor</c> and
/// <c>checkpoint_metric</c>). Without a validation set the trainer falls back to the training loss or accuracy.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<MonitorMetric>))]
public enum MonitorMetric
{
    /// <summary>Validation loss (lower is better).</summary>
    [JsonStringEnumMemberName("val_loss")] ValLoss,
    /// <summary>Validation top-1 accuracy (higher is better).</summary>
    [JsonStringEnumMemberName("val_accuracy")] ValAccuracy,
    /// <summary>Validation ROC AUC: binary AUC for two classes, macro one-vs-rest otherwise (higher is better).</summary>
    [JsonStringEnumMemberName("val_auc")] ValAuc,
}
