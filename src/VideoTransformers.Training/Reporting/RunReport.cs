using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using System.Xml;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sylvan.Data.Csv;
using VideoTransformers.Training.IO;

namespace VideoTransformers.Training.Reporting;

/// <summary>
/// Writes <c>report.html</c>, one self-contained page about a run folder: the timings and results
/// (<c>results.json</c>), the command that reproduces the run, the learning curves, the confusion matrix and the
/// attention overlay (the folder's <c>learning_curves.svg</c>, <c>confusion_matrix.svg</c> and <c>attention.png</c>,
/// embedded as <c>data:</c> URIs), the per-class accuracy, the metrics of every epoch (<c>metrics.csv</c>) and the
/// configuration (<c>config.yaml</c>). The page needs no network and no JavaScript; every text taken from the folder is
/// HTML-encoded. A part the folder lacks is listed at the top of the page as missing, with what writes it.
/// </summary>
public static class RunReport
{
    /// <summary>The name of the page in the run folder.</summary>
    public const string FileName = "report.html";

    /// <summary>The files of which a run folder holds at least one (the trainer writes the first two at its start).</summary>
    public static IReadOnlyList<string> RunFiles { get; } = ["config.yaml", "metrics.csv", "results.json"];

    /// <summary>The largest text file (configuration, metrics, results) the page reads; a larger one is reported, not read.</summary>
    public const long MaxTextBytes = 4L << 20;

    /// <summary>The largest image the page embeds; a larger one is reported, not embedded.</summary>
    public const long MaxImageBytes = 32L << 20;

    // The confusion matrix as a table only up to this many classes; beyond it the picture alone is readable.
    private const int MaxConfusionTableClasses = 30;

    // Encodes what HTML needs (<, >, &, quotes, controls) but keeps letters of every script readable in the source.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Style = """
        body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; margin: 24px auto; padding: 0 16px; max-width: 1120px; color: #1b1b1b; background: #fff; }
        h1 { font-size: 26px; margin-bottom: 4px; }
        h2 { font-size: 20px; border-bottom: 2px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
        p.path { color: #555; margin-top: 0; word-break: break-all; }
        table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
        th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: right; }
        th { background: #f0f3f6; }
        td.key, th.key { text-align: left; }
        pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 10px; font-size: 13px; white-space: pre-wrap; word-break: break-all; }
        figure { margin: 8px 0; }
        figure img { max-width: 100%; border: 1px solid #d0d7de; }
        figcaption { color: #555; font-size: 13px; }
        .missing { background: #fff4e5; border: 1px solid #f0b429; padding: 8px 16px; }
        .note { color: #555; font-size: 13px; }
        """;

    /// <summary>
    /// Writes the page of <paramref name="runDirectory"/> to <paramref name="outputPath"/> (default: <c>report.html</c>
    /// in the run folder) and returns its path.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The run folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds none of <see cref="RunFiles"/>: it is not a run folder.</exception>
    public static string Write(string runDirectory, ILogger? logger = null, string? outputPath = null)
    {
        logger ??= NullLogger.Instance;
        var html = Render(runDirectory, logger);
        var path = outputPath ?? Path.Combine(runDirectory, FileName);
        AtomicFile.WriteAllText(path, html);
        logger.LogInformation("Run report written to {Path}", path);
        return path;
    }

    /// <summary>The page of <paramref name="runDirectory"/> as HTML.</summary>
    /// <exception cref="DirectoryNotFoundException">The run folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds none of <see cref="RunFiles"/>: it is not a run folder.</exception>
    public static string Render(string runDirectory, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        logger ??= NullLogger.Instance;
        var dir = Path.GetFullPath(runDirectory);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"The run folder '{dir}' does not exist.");
        if (!RunFiles.Any(f => File.Exists(Path.Combine(dir, f))))
            throw new InvalidDataException($"'{dir}' is not a run folder: it holds none of {string.Join(", ", RunFiles)} (vt train writes them).");

        var missing = new List<string>();
        var config = ReadText(dir, "config.yaml", "the effective configuration, written by the trainer when the run starts", missing);
        var metrics = ReadCsv(dir, missing);
        using var results = ReadResults(dir, missing);
        var r = results?.RootElement;
        var curves = ImageUri(dir, "learning_curves.svg", "image/svg+xml", "written after every epoch", missing);
        var confusion = ImageUri(dir, "confusion_matrix.svg", "image/svg+xml", "written when the run ends, from the test or the last validation", missing);
        var attention = ImageUri(dir, "attention.png", "image/png", "written when the run ends, for models with attention maps and a sample clip", missing);
        foreach (var m in missing) logger.LogWarning("Run report of {Dir}: {Missing}", dir, m);

        var model = Str(r, "model");
        var dataset = Str(r, "dataset");
        var title = model is null ? "Run report" : dataset is null ? $"Run report: {model}" : $"Run report: {model} on {dataset}";
        var h = new StringBuilder(64 * 1024);
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title)).Append("</title>\n<style>\n")
            .Append(Style).Append("</style>\n</head>\n<body>\n");
        h.Append("<h1>").Append(E(title)).Append("</h1>\n<p class=\"path\">Run folder: <code>").Append(E(dir)).Append("</code></p>\n");
        if (missing.Count > 0)
        {
            h.Append("<section id=\"missing\" class=\"missing\"><h2>Missing parts</h2>\n<ul>\n");
            foreach (var m in missing) h.Append("<li>").Append(E(m)).Append("</li>\n");
            h.Append("</ul>\n</section>\n");
        }
        Summary(h, r, metrics);
        Reproduce(h, dir, r, config is not null);
        Figure(h, "learning-curves", "Learning curves", curves, "Loss and accuracy after every epoch, training and validation.");
        Figure(h, "confusion-matrix", "Confusion matrix", confusion, "Rows: true class; columns: predicted class.");
        Figure(h, "attention", "Attention overlay", attention, "The last spatial attention layer over one test clip's frames.");
        PerClass(h, r, confusionTable: confusion is null);
        MetricsTable(h, metrics);
        h.Append("<section id=\"config\"><h2>Configuration</h2>\n");
        if (config is null) h.Append("<p class=\"note\">config.yaml is missing.</p>\n");
        else h.Append("<p class=\"note\">config.yaml</p>\n<pre>").Append(E(config)).Append("</pre>\n");
        h.Append("</section>\n</body>\n</html>\n");
        return h.ToString();
    }

    private static string E(string text) => Encoder.Encode(text);

    private static string? Str(JsonElement? root, string key) =>
        root is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Num(JsonElement? root, string key) =>
        root is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static bool TooLarge(string path, long limit, List<string> missing)
    {
        var length = new FileInfo(path).Length;
        if (length <= limit) return false;
        missing.Add($"{Path.GetFileName(path)}: {length:N0} bytes, more than the {limit:N0} the report reads.");
        return true;
    }

    private static string? ReadText(string dir, string name, string what, List<string> missing)
    {
        var path = Path.Combine(dir, name);
        if (!File.Exists(path))
        {
            missing.Add($"{name} ({what}) is not in the run folder.");
            return null;
        }
        return TooLarge(path, MaxTextBytes, missing) ? null : File.ReadAllText(path);
    }

    private static List<string[]>? ReadCsv(string dir, List<string> missing)
    {
        var text = ReadText(dir, "metrics.csv", "one row per epoch, written by the trainer", missing);
        if (text is null) return null;
        try
        {
            using var reader = CsvDataReader.Create(new StringReader(text), new CsvDataReaderOptions { HasHeaders = false });
            var rows = new List<string[]>();
            while (reader.Read())
            {
                var row = new string[reader.RowFieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = reader.GetString(i);
                rows.Add(row);
            }
            if (rows.Count == 0) missing.Add("metrics.csv is empty (not even its header).");
            return rows.Count == 0 ? null : rows;
        }
        catch (Exception e) when (e is CsvFormatException || e is CsvRecordTooLargeException || e is CsvInvalidCharacterException)
        {
            missing.Add($"metrics.csv could not be read as CSV: {e.Message}");
            return null;
        }
    }

    private static JsonDocument? ReadResults(string dir, List<string> missing)
    {
        var text = ReadText(dir, "results.json", "the results and timings, written by vt train when the run ends", missing);
        if (text is null) return null;
        try
        {
            var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc;
            doc.Dispose();
            missing.Add("results.json does not hold a JSON object.");
        }
        catch (JsonException e)
        {
            missing.Add($"results.json is not valid JSON: {e.Message}");
        }
        return null;
    }

    private static string? ImageUri(string dir, string name, string mime, string what, List<string> missing)
    {
        var path = Path.Combine(dir, name);
        if (!File.Exists(path))
        {
            missing.Add($"{name} ({what}) is not in the run folder.");
            return null;
        }
        if (TooLarge(path, MaxImageBytes, missing)) return null;
        var bytes = File.ReadAllBytes(path);
        string? problem = mime == "image/png" ? IsPng(bytes) ? null : "it is not a PNG image" : SvgProblem(bytes);
        if (problem is not null)
        {
            missing.Add($"{name} is not embedded: {problem}.");
            return null;
        }
        return $"data:{mime};base64,{Convert.ToBase64String(bytes)}";
    }

    private static bool IsPng(byte[] bytes) => bytes.AsSpan().StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });

    // An <img> shows only a well-formed SVG document; the DTD is refused so that no entity expands.
    private static string? SvgProblem(byte[] bytes)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            reader.MoveToContent();
            if (reader.LocalName != "svg") return $"its root element is <{reader.LocalName}>, not <svg>";
            while (reader.Read()) { }
            return null;
        }
        catch (XmlException e)
        {
            return "it is not well-formed XML: " + e.Message;
        }
    }

    private static void Summary(StringBuilder h, JsonElement? r, List<string[]>? metrics)
    {
        h.Append("<section id=\"summary\"><h2>Results and timings</h2>\n");
        if (r is not { } root)
        {
            h.Append("<p class=\"note\">results.json is missing: no results or timings.</p>\n</section>\n");
            return;
        }
        h.Append("<table>\n");
        if (Num(r, "train_seconds") is { } seconds)
            Row(h, "training time", $"{Duration(seconds)} ({seconds.ToString("0.0", CultureInfo.InvariantCulture)} s, validation included)");
        if (metrics is { Count: > 1 })
        {
            var perEpoch = Column(metrics, "seconds");
            if (perEpoch.Count > 0) Row(h, "seconds per epoch (mean)", perEpoch.Average().ToString("0.0", CultureInfo.InvariantCulture));
            var throughput = Column(metrics, "clips_per_second");
            if (throughput.Count > 0) Row(h, "training clips per second (mean)", throughput.Average().ToString("0.0", CultureInfo.InvariantCulture));
        }
        // The scalars of results.json; the lists (classes, per-class accuracy, confusion) have their own sections.
        foreach (var p in root.EnumerateObject())
        {
            if (p.Name is "command" or "working_directory") continue;
            var value = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number => FormatNumber(p.Value.GetRawText()),
                JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                JsonValueKind.Null => "–",
                _ => null,
            };
            if (value is not null) Row(h, p.Name, value);
        }
        h.Append("</table>\n</section>\n");
    }

    private static void Row(StringBuilder h, string key, string value) =>
        h.Append("<tr><td class=\"key\">").Append(E(key)).Append("</td><td>").Append(E(value)).Append("</td></tr>\n");

    private static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2)));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:00}m {t.Seconds:00}s" : t.TotalMinutes >= 1 ? $"{t.Minutes}m {t.Seconds:00}s" : $"{t.TotalSeconds:0.0}s";
    }

    private static List<double> Column(List<string[]> csv, string name)
    {
        var i = Array.IndexOf(csv[0], name);
        var values = new List<double>();
        if (i < 0) return values;
        foreach (var row in csv.Skip(1))
            if (i < row.Length && double.TryParse(row[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) values.Add(v);
        return values;
    }

    // Integers as they are; other numbers to five significant digits, which is what a reader compares.
    private static string FormatNumber(string text)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n.ToString(CultureInfo.InvariantCulture);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d.ToString("G5", CultureInfo.InvariantCulture) : text;
    }

    private static void Reproduce(StringBuilder h, string dir, JsonElement? r, bool hasConfig)
    {
        h.Append("<section id=\"command\"><h2>Reproduce</h2>\n");
        // A data-parallel run was launched by mpiexec, which its own command line does not show.
        var launcher = Num(r, "world_size") is { } world && world > 1 ? $"mpiexec -n {world.ToString(CultureInfo.InvariantCulture)} " : "";
        if (Str(r, "command") is { } recorded)
        {
            h.Append("<p class=\"note\">The command line of the run, recorded by vt train");
            if (Str(r, "working_directory") is { } cwd) h.Append(", run in <code>").Append(E(cwd)).Append("</code>");
            h.Append(":</p>\n<pre>").Append(E(launcher + recorded)).Append("</pre>\n");
        }
        else if (hasConfig && Str(r, "model") is { } model && Str(r, "dataset") is { } dataset)
        {
            // config.yaml holds the effective training settings (seed, epochs, batch size, ...) and the model options.
            var args = new List<string> { "vt", "train", "--config", Path.Combine(dir, "config.yaml"), "--model", model, "--dataset", dataset };
            if (dataset != "synthetic") args.AddRange(["--data", "PATH"]);
            args.AddRange(["--out", dir + "-rerun"]);
            h.Append("<p class=\"note\">No command line was recorded; this one is reconstructed from config.yaml and results.json")
                .Append(dataset != "synthetic" ? " (the data folder was not recorded: replace PATH)" : "").Append(":</p>\n<pre>")
                .Append(E(launcher + ShellCommand.Join(args))).Append("</pre>\n");
        }
        else h.Append("<p class=\"note\">No command line was recorded, and reconstructing one needs config.yaml and the model and dataset of results.json.</p>\n");
        h.Append("</section>\n");
    }

    private static void Figure(StringBuilder h, string id, string title, string? uri, string caption)
    {
        h.Append("<section id=\"").Append(id).Append("\"><h2>").Append(E(title)).Append("</h2>\n");
        if (uri is null) h.Append("<p class=\"note\">Not available (see Missing parts).</p>\n");
        else h.Append("<figure><img src=\"").Append(uri).Append("\" alt=\"").Append(E(title)).Append("\"><figcaption>").Append(E(caption)).Append("</figcaption></figure>\n");
        h.Append("</section>\n");
    }

    // The test confusion counts are a table only when confusion_matrix.svg, which shows them, is missing.
    private static void PerClass(StringBuilder h, JsonElement? r, bool confusionTable)
    {
        if (r is not { } root || !root.TryGetProperty("classes", out var classesJson) || classesJson.ValueKind != JsonValueKind.Array) return;
        var classes = classesJson.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.String ? c.GetString() ?? "" : c.GetRawText()).ToList();
        var accuracy = root.TryGetProperty("test_per_class_accuracy", out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().ToList() : null;
        h.Append("<section id=\"per-class\"><h2>Per-class test accuracy</h2>\n<table>\n<tr><th class=\"key\">class</th><th>accuracy</th></tr>\n");
        for (var i = 0; i < classes.Count; i++)
        {
            var value = accuracy is not null && i < accuracy.Count && accuracy[i].ValueKind == JsonValueKind.Number
                ? accuracy[i].GetDouble().ToString("0.000", CultureInfo.InvariantCulture) : "–";
            h.Append("<tr><td class=\"key\">").Append(E(classes[i])).Append("</td><td>").Append(value).Append("</td></tr>\n");
        }
        h.Append("</table>\n");
        if (confusionTable && root.TryGetProperty("test_confusion", out var confusion) && confusion.ValueKind == JsonValueKind.Array
            && classes.Count <= MaxConfusionTableClasses && confusion.GetArrayLength() == classes.Count)
        {
            h.Append("<p class=\"note\">Test confusion counts (rows: true class, columns: predicted class).</p>\n<table>\n<tr><th></th>");
            foreach (var c in classes) h.Append("<th>").Append(E(c)).Append("</th>");
            h.Append("</tr>\n");
            var i = 0;
            foreach (var row in confusion.EnumerateArray())
            {
                h.Append("<tr><th class=\"key\">").Append(E(classes[i++])).Append("</th>");
                if (row.ValueKind == JsonValueKind.Array)
                    foreach (var cell in row.EnumerateArray().Take(classes.Count))
                        h.Append("<td>").Append(E(cell.ValueKind == JsonValueKind.Number ? FormatNumber(cell.GetRawText()) : "–")).Append("</td>");
                h.Append("</tr>\n");
            }
            h.Append("</table>\n");
        }
        h.Append("</section>\n");
    }

    private static void MetricsTable(StringBuilder h, List<string[]>? csv)
    {
        h.Append("<section id=\"metrics\"><h2>Metrics per epoch</h2>\n");
        if (csv is null)
        {
            h.Append("<p class=\"note\">metrics.csv is missing.</p>\n</section>\n");
            return;
        }
        h.Append("<table>\n<tr>");
        foreach (var name in csv[0]) h.Append("<th>").Append(E(name)).Append("</th>");
        h.Append("</tr>\n");
        foreach (var row in csv.Skip(1))
        {
            h.Append("<tr>");
            foreach (var cell in row) h.Append("<td>").Append(E(cell.Length == 0 ? "–" : FormatNumber(cell))).Append("</td>");
            h.Append("</tr>\n");
        }
        h.Append("</table>\n</section>\n");
    }
}
