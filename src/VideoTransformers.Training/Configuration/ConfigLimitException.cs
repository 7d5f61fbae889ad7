using YamlDotNet.Core;

namespace VideoTransformers.Training.Configuration;

/// <summary>Input past one of <see cref="ConfigLoader"/>'s size limits; the loader adds the file.</summary>
internal sealed class ConfigLimitException(Mark at, string message) : Exception(message)
{
    /// <summary>Where in the text the limit was crossed.</summary>
    public Mark At { get; } = at;
}
