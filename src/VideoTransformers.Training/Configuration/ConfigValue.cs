using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VideoTransformers.Training.Configuration;

/// <summary>
/// One value of a configuration file with typed readers; a reader that cannot make sense of the value throws a
/// <see cref="ConfigValueException"/> whose message says what was expected.
/// </summary>
internal sealed class ConfigValue
{
    public ConfigValue(YamlNode node) => Node = node;

    public YamlNode Node { get; }

    /// <summary>The longest value or key an error message shows; the rest is cut off with an ellipsis.</summary>
    public const int MaxShown = 200;

    /// <summary>
    /// The value as written, for error messages, cut off after <see cref="MaxShown"/> characters. Lists are rendered
    /// only as far as that: a value that aliases stand for many times is never expanded whole.
    /// </summary>
    public string Text
    {
        get
        {
            var sb = new StringBuilder();
            Append(Node, sb);
            return sb.Length > MaxShown ? sb.ToString(0, MaxShown) + "…" : sb.ToString();
        }
    }

    /// <summary><paramref name="s"/> cut to <see cref="MaxShown"/> characters for an error message.</summary>
    public static string Clip(string s) => s.Length > MaxShown ? s[..MaxShown] + "…" : s;

    private static void Append(YamlNode node, StringBuilder sb)
    {
        switch (node)
        {
            case YamlScalarNode s:
                // One character past the limit is enough for Text to know it must cut.
                var v = s.Value ?? "";
                sb.Append(v, 0, Math.Min(v.Length, Math.Max(0, MaxShown + 1 - sb.Length)));
                break;
            case YamlSequenceNode q:
                sb.Append('[');
                for (var i = 0; i < q.Children.Count && sb.Length <= MaxShown; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Append(q.Children[i], sb);
                }
                sb.Append(']');
                break;
            case YamlMappingNode:
                sb.Append("{…}");
                break;
            default:
                sb.Append(node.ToString());
                break;
        }
    }

    /// <summary>True for <c>null</c>, <c>~</c> or an empty value (plain, not quoted).</summary>
    public bool IsNull => Node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s
                          && (string.IsNullOrEmpty(s.Value) || s.Value is "~" or "null" or "Null" or "NULL");

    private string Scalar(string expected) =>
        Node is YamlScalarNode s && !IsNull ? s.Value ?? "" : throw new ConfigValueException($"must be {expected}");

    public long Long(long min = long.MinValue, long max = long.MaxValue)
    {
        var text = Scalar("a whole number");
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            throw new ConfigValueException("must be a whole number");
        CheckRange(v, min, max);
        return v;
    }

    public int Int(int min = int.MinValue, int max = int.MaxValue) => (int)Long(min, max);

    public double Double(double min = double.MinValue, double max = double.MaxValue, bool minExclusive = false, bool maxExclusive = false)
    {
        var text = Scalar("a number");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new ConfigValueException("must be a finite number (e.g. 3e-4 or 0.0003)");
        if (v < min || (minExclusive && v == min) || v > max || (maxExclusive && v == max))
            throw new ConfigValueException($"must be in {(minExclusive ? "(" : "[")}{Show(min)}, {Show(max)}{(maxExclusive ? ")" : "]")}");
        return v;
    }

    public bool Bool()
    {
        var text = Scalar("true or false");
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        if (text.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        throw new ConfigValueException("must be true or false");
    }

    public string Choice(IEnumerable<string> choices)
    {
        var all = choices.ToList();
        var text = Scalar("one of " + string.Join(", ", all));
        return all.Contains(text) ? text : throw new ConfigValueException("must be one of " + string.Join(", ", all));
    }

    /// <summary>One of <paramref name="choices"/>, or a key of <paramref name="aliases"/> read as the choice it maps to.</summary>
    public string Choice(IEnumerable<string> choices, IReadOnlyDictionary<string, string> aliases)
    {
        var all = choices.ToList();
        var expected = "one of " + string.Join(", ", all) + " (or " + string.Join(", ", aliases.Select(a => $"{a.Key} for {a.Value}")) + ")";
        var text = Scalar(expected);
        return all.Contains(text) ? text : aliases.TryGetValue(text, out var meant) ? meant : throw new ConfigValueException("must be " + expected);
    }

    public T Enum<T>() where T : struct, Enum
    {
        var names = ConfigNames.All<T>();
        var text = Scalar("one of " + string.Join(", ", names));
        return ConfigNames.TryParse<T>(text, out var v) ? v : throw new ConfigValueException("must be one of " + string.Join(", ", names));
    }

    public IReadOnlyList<ConfigValue> List(int count)
    {
        if (Node is not YamlSequenceNode seq || seq.Children.Count != count)
            throw new ConfigValueException($"must be a list of {count} values, e.g. [{string.Join(", ", Enumerable.Repeat("x", count))}]");
        return seq.Children.Select(c => new ConfigValue(c)).ToList();
    }

    private static void CheckRange(long v, long min, long max)
    {
        if (v >= min && v <= max) return;
        throw new ConfigValueException(max == long.MaxValue || max == int.MaxValue
            ? $"must be at least {min.ToString(CultureInfo.InvariantCulture)}"
            : $"must be in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]");
    }

    private static string Show(double d) => d == double.MaxValue ? "∞" : d == double.MinValue ? "-∞" : d.ToString("R", CultureInfo.InvariantCulture);
}
