using System.Text.Json.Serialization;

namespace VideoTransformers.Training.Configuration;

/// <summary>The learning-rate schedule of a run (YAML <c>schedule</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleKind>))]
public enum ScheduleKind
{
    /// <summary>A constant learning rate.</summary>
    [JsonStringEnumMemberName("none")] None,
    /// <summary>StepLR: multiply by <c>gamma</c> every <c>step_size</c> epochs (applied per epoch).</summary>
    [JsonStringEnumMemberName("step")] Step,
    /// <summary>Linear warmup then cosine decay to <c>min_lr</c> (applied per optimizer step).</summary>
    [JsonStringEnumMemberName("cosine")] Cosine,
}
