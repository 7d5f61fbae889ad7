using System.Text;
using VideoTransformers.Training.IO;

namespace VideoTransformers.Training.Configuration;

/// <summary>
/// Writes the effective configuration of a run (every training key, every model key that is set) as YAML that
/// <see cref="ConfigLoader"/> reads back to an equal <see cref="RunConfig"/>, so a run folder records exactly what ran.
/// </summary>
public static class ConfigWriter
{
    /// <summary>The configuration as YAML text.</summary>
    public static string ToYaml(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sb = new StringBuilder();
        sb.Append("# Effective configuration").Append(config.SourcePath is { } src ? $" (from {src})" : "").Append('\n');
        var model = ConfigKeys.All.Where(k => k.IsModel).Select(k => (k.Name, Value: k.Write(config))).Where(x => x.Value is not null).ToList();
        if (model.Count > 0)
        {
            sb.Append("\n# model\n");
            foreach (var (name, value) in model) sb.Append(name).Append(": ").Append(value).Append('\n');
        }
        sb.Append("\n# training\n");
        foreach (var key in ConfigKeys.All.Where(k => !k.IsModel))
            sb.Append(key.Name).Append(": ").Append(key.Write(config) ?? "null").Append('\n');
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToYaml"/> to <paramref name="path"/> (through a temporary file, so a crash leaves the old one whole).</summary>
    public static void Save(RunConfig config, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllText(path, ToYaml(config));
    }
}
