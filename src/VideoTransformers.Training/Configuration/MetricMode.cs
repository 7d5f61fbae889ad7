using System.Text.Json.Serialization;

namespace VideoTransformers.Training.Configuration;

/// <summary>Whether a monitored metric improves by going down or up (YAML <c>monitor_mode</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MetricMode>))]
public enum MetricMode
{
    /// <summary>Lower is better (losses).</summary>
    [JsonStringEnumMemberName("min")] Min,
    /// <summary>Higher is better (accuracies, AUC).</summary>
    [JsonStringEnumMemberName("max")] Max,
}
