using VideoTransformers.Zoo;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VideoTransformers.Training.Configuration;

/// <summary>
/// Reads run configuration files: one flat YAML mapping with seed 000's keys (<c>model_name</c>, <c>batch_size</c>,
/// <c>num_epochs</c>, <c>lr</c>, <c>patch_size</c>, …), the other families' model keys and the training keys.
/// <c>training_preset</c> (seed000, keras-vivit, adamw-cosine) is applied first, whatever its position, and the other
/// keys override it. Every unknown key, malformed value, key that does not apply to the chosen model and
/// inconsistent combination is collected into one <see cref="ConfigException"/> naming file, line, key and value.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Reads and validates a configuration file.</summary>
    /// <exception cref="ConfigException">The file cannot be read or holds problems.</exception>
    public static RunConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, [new ConfigError(path, null, null, null, "cannot be read: " + e.Message)], e);
        }
        return Parse(text, path) with { SourcePath = path };
    }

    /// <summary>Parses and validates configuration text; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="ConfigException">The text holds problems.</exception>
    public static RunConfig Parse(string yaml, string sourceName = "<config>")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var errors = new List<ConfigError>();
        void Error(YamlNode? at, string? key, string? value, string message) =>
            errors.Add(new ConfigError(sourceName, at is null ? null : (int)at.Start.Line, key, value, message));

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigException(sourceName, [new ConfigError(sourceName, (int)e.Start.Line, null, null, "is not valid YAML: " + e.Message)], e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this instead of a YamlException on some truncated input (an unclosed '[').
            throw new ConfigException(sourceName, [new ConfigError(sourceName, null, null, null, "is not valid YAML (an unclosed bracket or quote?)")], e);
        }

        if (stream.Documents.Count == 0) return new RunConfig();
        if (stream.Documents.Count > 1) Error(stream.Documents[1].RootNode, null, null, "holds several YAML documents; a configuration is one mapping");
        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode s && string.IsNullOrWhiteSpace(s.Value)) return new RunConfig();
        if (root is not YamlMappingNode mapping)
            throw new ConfigException(sourceName, [new ConfigError(sourceName, (int)root.Start.Line, null, null, "must be a mapping of 'key: value' lines")]);

        var entries = new List<(string Key, YamlNode KeyNode, ConfigValue Value)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(keyNode, null, null, "keys must be plain names");
                continue;
            }
            if (!seen.Add(key))
            {
                Error(keyNode, key, null, "appears more than once");
                continue;
            }
            if (key != ConfigKeys.TrainingPresetKey && !ConfigKeys.ByName.ContainsKey(key))
            {
                var hint = Suggest(key);
                Error(keyNode, key, new ConfigValue(valueNode).Text, "unknown key" + (hint is null ? "" : $" (did you mean '{hint}'?)"));
                continue;
            }
            entries.Add((key, keyNode, new ConfigValue(valueNode)));
        }

        var config = new RunConfig();
        foreach (var e in entries.Where(e => e.Key == ConfigKeys.TrainingPresetKey))
        {
            try
            {
                config = config with { Training = TrainingConfig.Presets[e.Value.Choice(TrainingConfig.Presets.Keys)]() };
            }
            catch (ConfigValueException ex)
            {
                Error(e.KeyNode, e.Key, e.Value.Text, ex.Message);
            }
        }
        foreach (var e in entries.Where(e => e.Key != ConfigKeys.TrainingPresetKey))
        {
            try
            {
                config = ConfigKeys.ByName[e.Key].Apply(config, e.Value);
            }
            catch (ConfigValueException ex)
            {
                Error(e.KeyNode, e.Key, e.Value.Text, ex.Message);
            }
        }

        var present = entries.ToDictionary(e => e.Key, StringComparer.Ordinal);
        CheckModelKeys(config.Model, present, Error);
        foreach (var (key, message) in config.Training.Problems())
        {
            // Report at the offending key when the file has it; a violated default has no line.
            var at = present.TryGetValue(key, out var e) ? e : default;
            Error(at.KeyNode, key, at.KeyNode is null ? null : at.Value.Text, message);
        }

        if (errors.Count > 0)
            throw new ConfigException(sourceName, errors.OrderBy(x => x.Line ?? int.MaxValue).ToList());
        return config;
    }

    private static void CheckModelKeys(ModelOptions model, Dictionary<string, (string Key, YamlNode KeyNode, ConfigValue Value)> present,
        Action<YamlNode?, string?, string?, string> error)
    {
        if (present.TryGetValue("image_size", out var size) && (present.ContainsKey("image_height") || present.ContainsKey("image_width")))
            error(size.KeyNode, "image_size", size.Value.Text, "give image_size or image_height/image_width, not both");
        if (model.ModelName is not { } family) return;
        foreach (var (key, (_, keyNode, value)) in present)
        {
            if (!ConfigKeys.ByName.TryGetValue(key, out var def) || def.Families is null || def.Families.Contains(family)) continue;
            error(keyNode, key, value.Text, $"does not apply to {family} (it applies to {string.Join(", ", def.Families)})");
        }
        if (model.Variant is { } variant && present.TryGetValue("variant", out var v))
        {
            try
            {
                if (family == "vivit") ModelZoo.ParseViViTVariant(variant);
                else if (family == "timesformer") ModelZoo.ParseTimeSformerAttention(variant);
            }
            catch (ArgumentException e)
            {
                error(v.KeyNode, "variant", variant, e.Message);
            }
        }
        if (model.Preset is { } preset && present.TryGetValue("model_preset", out var p) && ModelZoo.Presets[preset]().Model != family)
            error(p.KeyNode, "model_preset", preset, $"is a {ModelZoo.Presets[preset]().Model} preset, but model_name is {family}");
    }

    /// <summary>The known key closest to a misspelt one, when it is close enough to be a likely typo.</summary>
    private static string? Suggest(string key)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in ConfigKeys.Names)
        {
            var d = Levenshtein(key, name);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = name;
            }
        }
        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
