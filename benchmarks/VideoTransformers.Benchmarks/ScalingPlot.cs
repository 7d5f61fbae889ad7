using System.Globalization;
using System.Text.Json;
using VideoTransformers.Training.Plots;

namespace VideoTransformers.Benchmarks;

/// <summary>
/// <c>scaling-plot JSON OUT.svg|png</c>: draws the rows benchmarks/scaling_sweep.py wrote (kind, frames, ms, rss) as
/// <see cref="TrainingCharts.ScalingSweep"/>, so the sweep's plot is drawn by the same ScottPlot code as the training
/// report's charts.
/// </summary>
public static class ScalingPlot
{
    /// <summary>Reads the sweep's JSON and writes the chart; returns the process exit code.</summary>
    /// <exception cref="ArgumentException">Wrong arguments, or a JSON file that is not a sweep's output.</exception>
    public static int Run(string[] args)
    {
        if (args.Length != 2) throw new ArgumentException("scaling-plot needs JSON and OUT.svg|png");
        var (jsonPath, outPath) = (args[0], args[1]);
        if (Path.GetExtension(outPath).ToLowerInvariant() is not (".svg" or ".png"))
            throw new ArgumentException($"scaling-plot: cannot tell the image format of '{outPath}': use .png or .svg");
        var points = Read(jsonPath);
        var header = File.Exists(jsonPath) ? Header(jsonPath) : "";
        using var figure = TrainingCharts.ScalingSweep(points, "Training step vs frames (64×64, 16 tokens/frame" + header + ")");
        figure.Save(outPath);
        Console.WriteLine($"wrote {outPath} ({points.Count} points)");
        return 0;
    }

    private static List<ScalingPoint> Read(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"scaling-plot: no such file '{path}'");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (!doc.RootElement.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
                throw new ArgumentException($"scaling-plot: '{path}' has no \"rows\" array (expected scaling_sweep.py's OUT.json)");
            return rows.EnumerateArray().Select((r, i) =>
            {
                JsonElement Field(string name) => r.ValueKind == JsonValueKind.Object && r.TryGetProperty(name, out var v)
                    ? v
                    : throw new ArgumentException($"scaling-plot: row {i} of '{path}' has no \"{name}\" (expected kind, frames, ms and optionally rss)");
                return new ScalingPoint(
                    Field("kind").GetString() ?? "",
                    Field("frames").GetInt32(),
                    Field("ms").GetDouble(),
                    r.TryGetProperty("rss", out var rss) && rss.ValueKind == JsonValueKind.Number ? rss.GetDouble() : double.NaN);
            }).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"scaling-plot: '{path}' is not a scaling sweep's JSON: {e.Message}", e);
        }
    }

    // ", batch 4, 2 threads" from the sweep's settings, when recorded.
    private static string Header(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var parts = new List<string>();
        if (root.TryGetProperty("batch_size", out var b) && b.ValueKind == JsonValueKind.Number) parts.Add("batch " + b.GetInt32().ToString(CultureInfo.InvariantCulture));
        if (root.TryGetProperty("threads", out var t) && t.ValueKind == JsonValueKind.Number) parts.Add(t.GetInt32().ToString(CultureInfo.InvariantCulture) + " threads");
        return parts.Count == 0 ? "" : ", " + string.Join(", ", parts);
    }
}
