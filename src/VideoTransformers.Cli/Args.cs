using System.Globalization;

namespace VideoTransformers.Cli;

/// <summary>Thrown for bad command-line arguments; the program prints it with usage and exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A small, strict parser: <c>--name value</c>, <c>--name=value</c>, boolean <c>--flag</c>, and positionals. Unknown
/// options are errors, so that a typo never silently runs with a default.
/// </summary>
public sealed class Args
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>
    /// Options that vt once had, with why they went away and what to use instead. Every command refuses them with that
    /// explanation (rather than "unknown option"), so that an old script fails saying what changed.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Removed = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["blas-threads"] = "--blas-threads was removed: vt now runs on TorchSharp's libtorch 2.10, which computes matrix products with MKL " +
                           "inside its own intra-op (OpenMP) thread pool instead of calling OpenBLAS, so there is no separate BLAS pool to size. " +
                           "Use --threads N (libtorch's intra-op threads) alone.",
    };

    /// <summary>Parses <paramref name="argv"/> against the allowed option names (without dashes) and flags.</summary>
    public Args(IEnumerable<string> argv, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags)
    {
        var list = argv.ToList();
        Raw = list;
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a is "--help" or "-h") { Help = true; continue; }
            if (!a.StartsWith("--", StringComparison.Ordinal)) { Positionals.Add(a); continue; }
            var body = a[2..];
            string? value = null;
            var eq = body.IndexOf('=');
            if (eq >= 0) { value = body[(eq + 1)..]; body = body[..eq]; }
            if (Removed.TryGetValue(body, out var why)) throw new UsageException(why);
            if (flags.Contains(body))
            {
                if (value is not null) throw new UsageException($"--{body} is a flag and takes no value.");
                _options[body] = "true";
            }
            else if (options.Contains(body))
            {
                if (value is null)
                {
                    if (i + 1 >= list.Count || list[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"--{body} needs a value.");
                    value = list[++i];
                }
                _options[body] = value;
            }
            else throw new UsageException($"Unknown option --{body}. Known options: {string.Join(", ", options.Concat(flags).Select(o => "--" + o))}.");
        }
    }

    /// <summary>The arguments as given, in order (the command line a run records to be reproduced).</summary>
    public IReadOnlyList<string> Raw { get; }

    /// <summary>True when --help was given.</summary>
    public bool Help { get; }

    /// <summary>Arguments that are not options.</summary>
    public List<string> Positionals { get; } = new();

    /// <summary>True when the option was given.</summary>
    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>A string option, or <paramref name="fallback"/>.</summary>
    public string? Get(string name, string? fallback = null) => _options.TryGetValue(name, out var v) ? v : fallback;

    /// <summary>A required string option.</summary>
    public string Required(string name) => Get(name) ?? throw new UsageException($"--{name} is required.");

    /// <summary>An integer option.</summary>
    public int Int(string name, int fallback, int min = int.MinValue)
    {
        var s = Get(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) throw new UsageException($"--{name} must be an integer, got '{s}'.");
        if (v < min) throw new UsageException($"--{name} must be at least {min}, got {v}.");
        return v;
    }

    /// <summary>A floating-point option.</summary>
    public double? Double(string name)
    {
        var s = Get(name);
        if (s is null) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v)) throw new UsageException($"--{name} must be a number, got '{s}'.");
        return v;
    }

    /// <summary>A flag.</summary>
    public bool Flag(string name) => Has(name);

    /// <summary>One of a fixed set of values.</summary>
    public string? Choice(string name, params string[] choices)
    {
        var v = Get(name);
        if (v is not null && !choices.Contains(v)) throw new UsageException($"--{name} must be one of {string.Join("|", choices)}, got '{v}'.");
        return v;
    }
}
