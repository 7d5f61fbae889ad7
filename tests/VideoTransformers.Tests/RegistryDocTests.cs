using System.Text.RegularExpressions;
using FluentAssertions;
using VideoTransformers.TestSupport;
using VideoTransformers.Zoo;
using Xunit;

namespace VideoTransformers.Tests;

/// <summary>
/// The docs' lists of families and attention variants against the registry, both ways, as
/// <see cref="ParameterNameDocTests"/> does for parameter names: a variant added to the registry but not to the docs,
/// or left in the docs after it went, fails here.
/// </summary>
public partial class RegistryDocTests
{
    private static string[] Doc(string path) => File.ReadAllLines(Path.Combine(SharedData.RepoRoot, "docs", path));

    /// <summary>The rows of the table under <paramref name="heading"/>, as their trimmed cells.</summary>
    private static List<string[]> Table(string[] lines, string heading)
    {
        var start = Array.IndexOf(lines, heading);
        start.Should().BeGreaterThanOrEqualTo(0, $"the docs have a section '{heading}'");
        return lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
    }

    private static string Unquote(string cell) => cell.Trim('`');

    private static string[] Names(string cell) => Backticked().Matches(cell).Select(m => m.Groups[1].Value).ToArray();

    [Fact]
    public void The_family_and_variant_table_in_models_md_is_the_registry()
    {
        var documented = new List<(string Family, string? Variant, string[] Aliases, string Description)>();
        string? family = null;
        foreach (var row in Table(Doc("models.md"), "## Families and attention variants"))
        {
            row.Should().HaveCount(4, string.Join(" | ", row));
            if (row[0].Length > 0)
            {
                family = Unquote(row[0]);
                row[1].Should().BeEmpty($"the {family} row describes the family");
                documented.Add((family, null, [], row[3]));
            }
            else
            {
                family.Should().NotBeNull("variant rows follow their family's row");
                documented.Add((family!, Unquote(row[1]), Names(row[2]), row[3]));
            }
        }
        var registry = ModelRegistry.Families.SelectMany(f =>
            f.Variants.Select(v => (f.Name, (string?)v.Name, v.Aliases.ToArray(), v.Description)).Prepend((f.Name, null, Array.Empty<string>(), f.Description)));
        documented.Should().BeEquivalentTo(registry, o => o.WithStrictOrdering(), "docs/models.md lists every family and variant of the registry, in its order, and nothing else");
    }

    [Fact]
    public void The_variant_key_in_training_md_lists_every_variant_name()
    {
        var row = Doc("training.md").Single(l => l.StartsWith("| `variant` |", StringComparison.Ordinal)).Split('|');
        row[2].Trim().Split(", ").Should().BeEquivalentTo(ModelRegistry.Families.Where(f => f.Variants.Count > 0).Select(f => f.Name),
            "the key applies to the families with variants");
        foreach (var f in ModelRegistry.Families.Where(f => f.Variants.Count > 0))
        {
            var part = Regex.Match(row[3], $@"{Regex.Escape(f.Name)}: ([^;(]*)").Groups[1].Value;
            Names(part).Should().Equal(f.Variants.Select(v => v.Name), $"the {f.Name} variants, in the registry's order");
        }
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}
