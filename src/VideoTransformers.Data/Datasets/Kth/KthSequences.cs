using System.Text.RegularExpressions;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// The official KTH subsequence list (<c>00sequences.txt</c>): one line per clip,
/// <c>personXX_action_dY &lt;tab&gt; frames a-b, c-d, …</c> with 1-based inclusive frame numbers.
/// Whitespace may be irregular (spaces and tabs mixed) and blank lines are ignored; clips marked
/// <c>*missing*</c> are listed in <see cref="Missing"/>.
/// </summary>
public sealed partial class KthSequences
{
    private readonly Dictionary<string, KthSequenceEntry> _byClip;

    private KthSequences(List<KthSequenceEntry> entries, List<string> missing)
    {
        Entries = entries;
        Missing = missing;
        _byClip = entries.ToDictionary(e => e.Clip, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Clips with subsequences, in file order.</summary>
    public IReadOnlyList<KthSequenceEntry> Entries { get; }

    /// <summary>Clips the file marks as missing from the dataset.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>The entry of <paramref name="clip"/> (a clip or file name); throws <see cref="KeyNotFoundException"/> when absent.</summary>
    public KthSequenceEntry this[string clip] =>
        TryGet(clip, out var e) ? e : throw new KeyNotFoundException($"Clip '{clip}' is not listed in the KTH sequences file.");

    /// <summary>Looks up a clip by name or file name (e.g. <c>person01_boxing_d1_uncomp.avi</c>).</summary>
    public bool TryGet(string clip, out KthSequenceEntry entry)
    {
        entry = null!;
        return KthClipName.TryParse(clip, out var name) && _byClip.TryGetValue(name.Name, out entry!);
    }

    /// <summary>Reads and parses a sequences file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">A line cannot be parsed; the message names the file and line.</exception>
    public static KthSequences Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"KTH sequences file '{path}' does not exist.", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of a sequences file; <paramref name="source"/> names it in error messages.</summary>
    public static KthSequences Parse(string text, string source = "<text>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<KthSequenceEntry>();
        var missing = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0) continue;
            string Where() => $"{source}, line {n + 1}";
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (!KthClipName.TryParse(parts[0], out var name))
                throw new FormatException($"{Where()}: '{parts[0]}' is not a KTH clip name (personXX_action_dY).");
            if (!seen.Add(name.Name)) throw new FormatException($"{Where()}: clip '{name.Name}' is listed twice.");
            var rest = parts.Length > 1 ? parts[1].Trim() : "";
            if (rest.Contains("missing", StringComparison.OrdinalIgnoreCase))
            {
                missing.Add(name.Name);
                continue;
            }
            if (!rest.StartsWith("frames", StringComparison.OrdinalIgnoreCase))
                throw new FormatException($"{Where()}: expected 'frames a-b, c-d, ...' after the clip name, found '{rest}'.");
            var ranges = new List<FrameRange>();
            foreach (var item in rest["frames".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var m = RangePattern().Match(item);
                if (!m.Success) throw new FormatException($"{Where()}: '{item}' is not a frame range 'a-b'.");
                int a = int.Parse(m.Groups[1].Value), b = int.Parse(m.Groups[2].Value);
                if (a < 1 || b < a) throw new FormatException($"{Where()}: frame range {a}-{b} is empty or not 1-based.");
                ranges.Add(new FrameRange(a, b));
            }
            if (ranges.Count == 0) throw new FormatException($"{Where()}: no frame ranges for clip '{name.Name}'.");
            entries.Add(new KthSequenceEntry(name.Name, name.Person, name.Action, name.Scenario, ranges));
        }
        return new KthSequences(entries, missing);
    }

    [GeneratedRegex(@"^(\d+)\s*-\s*(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex RangePattern();
}
