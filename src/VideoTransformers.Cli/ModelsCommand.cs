using VideoTransformers.Torch;
using VideoTransformers.Zoo;

namespace VideoTransformers.Cli;

/// <summary><c>vt models</c>: lists the presets with parameter counts and FLOPs per clip, and the families with their attention variants.</summary>
public static class ModelsCommand
{
    /// <summary>The text of <c>vt models --help</c>.</summary>
    public const string Usage = """
        vt models [--json] [--spec PRESET]
          Lists the model presets with their parameter counts and FLOPs per clip (forward pass, 2 per multiply-add),
          then the model families (--model) with their attention variants (--variant; other accepted spellings in brackets).
          --json prints both as one object {"presets": [...], "families": [...]}.
          --spec PRESET prints that preset's full ModelSpec JSON (what checkpoints store next to their weights).
        """;

    /// <summary>Runs <c>vt models</c>; returns the exit code.</summary>
    public static int Run(Args a)
    {
        if (a.Get("spec") is string preset)
        {
            if (!ModelZoo.Presets.TryGetValue(preset, out var spec)) throw new UsageException($"Unknown preset '{preset}'. Presets: {string.Join(", ", ModelZoo.Presets.Keys)}.");
            Console.WriteLine(spec().ToJson());
            return 0;
        }
        var rows = new List<Dictionary<string, object>>();
        foreach (var (name, make) in ModelZoo.Presets)
        {
            using var model = make().Build();
            rows.Add(new() { ["preset"] = name, ["model"] = make().Model, ["input"] = "[" + string.Join(", ", model.SampleShape) + "]",
                ["classes"] = model.NumClasses, ["parameters"] = model.parameter_count(), ["gflops_per_clip"] = Math.Round(model.FlopsPerClip / 1e9, 3) });
        }
        var families = ModelRegistry.Families.Select(f => new Dictionary<string, object>
        {
            ["name"] = f.Name, ["description"] = f.Description, ["input"] = f.Input.ToString().ToLowerInvariant(),
            ["variants"] = f.Variants.Select(v => new Dictionary<string, object>
            {
                ["name"] = v.Name, ["aliases"] = v.Aliases, ["id"] = v.Id, ["description"] = v.Description, ["default"] = v == f.DefaultVariant,
            }).ToList(),
        }).ToList();
        if (a.Flag("json"))
        {
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { ["presets"] = rows, ["families"] = families }));
            return 0;
        }
        Console.WriteLine($"{"preset",-24} {"model",-12} {"input",-20} {"classes",7} {"parameters",13} {"GFLOPs/clip",12}");
        foreach (var r in rows)
            Console.WriteLine($"{r["preset"],-24} {r["model"],-12} {r["input"],-20} {r["classes"],7} {r["parameters"],13:N0} {r["gflops_per_clip"],12}");
        Console.WriteLine();
        Console.WriteLine($"{"model",-12} {"variant",-52} description");
        foreach (var f in ModelRegistry.Families)
        {
            Console.WriteLine($"{f.Name,-12} {"",-52} {f.Description}");
            foreach (var v in f.Variants)
            {
                var names = v.Aliases.Count > 0 ? $"{v.Name} [{string.Join(", ", v.Aliases)}]" : v.Name;
                Console.WriteLine($"{"",-12} {names,-52} {v.Description}{(v == f.DefaultVariant ? " (default)" : "")}");
            }
        }
        return 0;
    }
}
