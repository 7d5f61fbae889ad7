using System.Text.RegularExpressions;
using FluentAssertions;
using VideoTransformers.TestSupport;
using VideoTransformers.Zoo;
using Xunit;

namespace VideoTransformers.Tests;

/// <summary>
/// docs/parameter-names.md is the public contract of checkpoint keys. Both directions are checked: every key of a
/// documented preset is in its section with its shape, and every key the document names exists in a model, so a
/// renamed or removed parameter cannot leave a stale entry behind.
/// </summary>
public partial class ParameterNameDocTests
{
    private static readonly string[] DocumentedPresets =
        ["frame-vit-kth", "vivit-organmnist3d", "vivit-small-fe", "vivit-small-swin", "timesformer-ucf101", "actionbert-ucf101", "cnn-lstm-kth"];

    /// <summary>The document's sections by heading, each with its table rows as (first-column names, second column).</summary>
    private static Dictionary<string, List<(string[] Names, string Second)>> Sections()
    {
        var sections = new Dictionary<string, List<(string[], string)>>();
        var current = sections[""] = [];
        foreach (var line in File.ReadAllLines(Path.Combine(SharedData.RepoRoot, "docs", "parameter-names.md")))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) { current = sections[line[3..].Trim()] = []; continue; }
            if (!line.StartsWith('|')) continue;
            var cells = line.Split('|');
            if (cells.Length < 4) continue;
            var names = Backticked().Matches(cells[1]).Select(m => m.Groups[1].Value).ToArray();
            if (names.Length > 0) current.Add((names, cells[2].Trim()));
        }
        return sections;
    }

    /// <summary>A key with its layer numbers written as {i}, as the document writes them.</summary>
    private static string Generic(string key) => LayerNumber().Replace(key, ".{i}.");

    [Fact]
    public void Every_key_of_a_documented_preset_is_listed_in_its_section_with_its_shape_and_nothing_else()
    {
        var sections = Sections();
        foreach (var preset in DocumentedPresets)
        {
            sections.Should().ContainKey(preset);
            var rows = sections[preset];
            using var model = ModelZoo.Presets[preset]().Build();
            var state = model.state_dict();
            var keys = state.Keys.Select(Generic).ToHashSet();
            var documented = rows.SelectMany(r => r.Names).ToList();
            documented.Should().OnlyHaveUniqueItems(preset);
            documented.Should().BeEquivalentTo(keys, $"the {preset} section lists exactly the model's keys");
            foreach (var (names, shape) in rows)
            {
                if (shape.Length == 0) continue;
                var actual = state.Single(kv => Generic(kv.Key) == names[0]).Value.shape;
                shape.Should().Be(string.Join("×", actual), $"{preset}: {names[0]}");
            }
        }
    }

    [Fact]
    public void Every_name_the_document_gives_exists_in_some_model()
    {
        var keys = ModelZoo.Presets.Values.Select(make => make())
            .Concat(ModelParityTests.Specs().Select(s => (ModelSpec)s[1]))
            .SelectMany(spec => { using var m = spec.Build(); return m.state_dict().Keys.ToList(); })
            .Distinct().ToList();
        keys.Should().NotBeEmpty();
        var stale = new List<string>();
        foreach (var (section, rows) in Sections())
        foreach (var name in rows.SelectMany(r => r.Names))
        {
            // A name may be a whole key or a dotted run inside one (`attn.qkv`, `head.fc`); {i} and {k} are layer numbers.
            var pattern = "(^|\\.)" + Regex.Escape(name).Replace("\\{i}", "\\d+").Replace("\\{k}", "\\d+") + "(\\.|$)";
            if (!keys.Any(k => Regex.IsMatch(k, pattern))) stale.Add($"{section}: `{name}`");
        }
        stale.Should().BeEmpty("every documented name must be a key, or part of one, of some model");
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"\.(\d+)\.")]
    private static partial Regex LayerNumber();
}
