using System.Buffers;
using System.Globalization;
using System.Text.Unicode;
using VideoTransformers.Zoo;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VideoTransformers.Training.Configuration;

/// <summary>
/// Reads run configuration files: one flat YAML mapping with the KTH FrameViT study's keys (<c>model_name</c>, <c>batch_size</c>,
/// <c>num_epochs</c>, <c>lr</c>, <c>patch_size</c>, …), the other families' model keys and the training keys.
/// <c>training_preset</c> (seed000, keras-vivit, adamw-cosine) is applied first, whatever its position, and the other
/// keys override it. Every unknown key, malformed value, key that does not apply to the chosen model and
/// inconsistent combination is collected into one <see cref="ConfigException"/> naming file, line, key and value.
/// </summary>
/// <remarks>
/// A configuration file is untrusted input: it must be UTF-8, at most <see cref="MaxFileBytes"/> long, nest at most
/// <see cref="MaxDepth"/> levels and stand for at most <see cref="MaxNodes"/> values once YAML's aliases are expanded.
/// The last limit is what stops a "billion laughs" file (nested anchors, each aliased many times by the next), which
/// a few hundred bytes make into billions of values for any reader that walks the tree. Aliases themselves stay
/// allowed, because they are ordinary YAML and a bounded expansion is harmless.
/// </remarks>
public static class ConfigLoader
{
    /// <summary>The longest configuration accepted, in bytes (or characters, for <see cref="Parse"/>): 1 MiB, against a few KB for a real one.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>
    /// The most values (keys, values and list items, every alias counted as the node it repeats) a configuration may
    /// stand for: 100 000, against a few hundred in a real one.
    /// </summary>
    public const int MaxNodes = 100_000;

    /// <summary>The deepest nesting accepted: 64 levels, against 2 (a mapping holding lists) in a real configuration.</summary>
    public const int MaxDepth = 64;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Reads and validates a configuration file.</summary>
    /// <exception cref="ConfigException">
    /// The file cannot be read, is larger than <see cref="MaxFileBytes"/>, is not UTF-8 text, or holds problems.
    /// </exception>
    public static RunConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = ReadAtMost(path, MaxFileBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail(path, null, "cannot be read: " + e.Message, e);
        }
        return Parse(DecodeUtf8(bytes, path), path) with { SourcePath = path };
    }

    /// <summary>Parses and validates configuration text; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="ConfigException">The text is longer than <see cref="MaxFileBytes"/> characters or holds problems.</exception>
    public static RunConfig Parse(string yaml, string sourceName = "<config>")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        if (yaml.Length > MaxFileBytes)
            throw Fail(sourceName, null, $"is {Count(yaml.Length)} characters long; a configuration is at most {Count(MaxFileBytes)}");
        var errors = new List<ConfigError>();
        void Error(YamlNode? at, string? key, string? value, string message) =>
            errors.Add(new ConfigError(sourceName, at is null ? null : (int)at.Start.Line, key is null ? null : ConfigValue.Clip(key), value, message));

        var stream = new YamlStream();
        try
        {
            stream.Load(new LimitedParser(new Parser(new StringReader(yaml)), MaxNodes, MaxDepth));
        }
        catch (ConfigLimitException e)
        {
            throw Fail(sourceName, (int)e.At.Line, e.Message, e);
        }
        catch (YamlException e)
        {
            throw Fail(sourceName, (int)e.Start.Line, "is not valid YAML: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this instead of a YamlException on some truncated input (an unclosed '[').
            throw Fail(sourceName, null, "is not valid YAML (an unclosed bracket or quote?)", e);
        }

        if (stream.Documents.Count == 0) return new RunConfig();
        if (stream.Documents.Count > 1) Error(stream.Documents[1].RootNode, null, null, "holds several YAML documents; a configuration is one mapping");
        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode s && string.IsNullOrWhiteSpace(s.Value)) return new RunConfig();
        if (root is not YamlMappingNode mapping)
            throw Fail(sourceName, (int)root.Start.Line, "must be a mapping of 'key: value' lines");

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
        // Edit distance costs length x length: a long key (hostile or not) is no typo of a short name anyway.
        if (key.Length > 64) return null;
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

    private static ConfigException Fail(string file, int? line, string message, Exception? inner = null) =>
        new(file, [new ConfigError(file, line, null, null, message)], inner);

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The file's bytes; refuses one longer than <paramref name="limit"/> without reading more than that.</summary>
    private static byte[] ReadAtMost(string path, int limit)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        // Checked up front where the length is known (a sparse 10 GB file is refused without a read); a pipe or
        // device has no length and is counted while it is read.
        if (file.CanSeek && file.Length > limit)
            throw Fail(path, null, $"is {Count(file.Length)} bytes long; a configuration file is at most {Count(limit)} bytes");
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = file.Read(chunk)) > 0)
        {
            if (buffer.Length + n > limit)
                throw Fail(path, null, $"is more than {Count(limit)} bytes long; a configuration file is at most that");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>Strict UTF-8 (an initial byte-order mark allowed): a bad byte is an error naming its line and offset, not a silent U+FFFD.</summary>
    private static string DecodeUtf8(byte[] bytes, string path)
    {
        ReadOnlySpan<byte> text = bytes;
        var skipped = text.StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        text = text[skipped..];
        var chars = new char[text.Length];
        var status = Utf8.ToUtf16(text, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done) return new string(chars, 0, written);
        var offset = skipped + read;
        var line = bytes.AsSpan(0, offset).Count((byte)'\n') + 1;
        var utf16 = bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))
            ? " (it looks like UTF-16; save it as UTF-8)" : "";
        var what = status == OperationStatus.NeedMoreData ? "ends inside a UTF-8 character" : $"has the byte 0x{bytes[offset]:X2}, which is not UTF-8,";
        throw Fail(path, line, $"is not UTF-8 text: it {what} at byte offset {Count(offset)}{utf16}");
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
