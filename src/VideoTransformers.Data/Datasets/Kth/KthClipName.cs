using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace VideoTransformers.Data.Datasets;

/// <summary>The parts of a KTH clip name <c>personXX_action_dY</c>.</summary>
/// <param name="Person">Person number.</param>
/// <param name="Action">Action name (lower case).</param>
/// <param name="Scenario">Scenario number.</param>
public sealed partial record KthClipName(int Person, string Action, int Scenario)
{
    /// <summary>The canonical name, e.g. <c>person01_boxing_d1</c>.</summary>
    public string Name => $"person{Person:D2}_{Action}_d{Scenario}";

    /// <summary>
    /// Parses a clip name, optionally followed by <c>_uncomp</c> and a file extension
    /// (<c>person01_boxing_d1_uncomp.avi</c>); a directory part is ignored.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out KthClipName? name)
    {
        name = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var m = Pattern().Match(Path.GetFileName(text.Trim()));
        if (!m.Success) return false;
        name = new KthClipName(int.Parse(m.Groups[1].Value), m.Groups[2].Value.ToLowerInvariant(), int.Parse(m.Groups[3].Value));
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    [GeneratedRegex(@"^person(\d+)_([a-zA-Z]+)_d(\d+)(?:_uncomp)?(?:\.[A-Za-z0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
