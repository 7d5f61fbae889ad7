using System.Text.Json;
using VideoTransformers.Interop;
using VideoTransformers.Torch;
using VideoTransformers.Training.Checkpoints;

namespace VideoTransformers.Cli;

/// <summary><c>vt import-hf</c>: turns a Hugging Face ViViT or TimeSformer folder into a checkpoint that eval and predict load.</summary>
public static class ImportHfCommand
{
    /// <summary>The weights file written into --out; its description is the .json of the same name.</summary>
    public const string CheckpointFile = "imported.safetensors";

    /// <summary>The text of <c>vt import-hf --help</c>.</summary>
    public const string Usage = """
        vt import-hf FOLDER --out DIR
          Converts a Hugging Face VivitForVideoClassification or TimesformerForVideoClassification folder (config.json
          with model.safetensors, or pytorch_model.bin when there is no safetensors file) into a vt checkpoint:
          DIR/imported.safetensors, DIR/imported.json (the model spec) and DIR/classes.json (the class names of
          config.json's id2label). Use it with vt eval --checkpoint DIR/imported.safetensors and vt predict. A
          pytorch_model.bin is read without Python, and nothing in it but tensors is unpickled (docs/hf-import.md).
          Prints a JSON summary.
        """;

    /// <summary>Runs <c>vt import-hf</c> with parsed arguments; returns the exit code.</summary>
    public static int Run(Args a)
    {
        var folder = a.Positionals[0];
        var outDir = a.Required("out");
        var hf = HfImport.Load(folder);
        using var model = hf.Model;
        var names = Enumerable.Range(0, (int)model.NumClasses).Select(i => i < hf.Labels.Count ? hf.Labels[i] : $"class_{i}").ToArray();
        Directory.CreateDirectory(outDir);
        var checkpoint = Path.Combine(outDir, CheckpointFile);
        Checkpoint.Save(checkpoint, model, null, new CheckpointState());
        new CheckpointInfo { Kind = "imported", Tensors = CheckpointFile, SavedAt = DateTimeOffset.UtcNow, Model = hf.Spec }.Save(Path.ChangeExtension(checkpoint, ".json"));
        File.WriteAllText(Path.Combine(outDir, "classes.json"), JsonSerializer.Serialize(names));
        Console.WriteLine(Json.Serialize(new Dictionary<string, object>
        {
            ["checkpoint"] = checkpoint, ["model"] = hf.Spec.Model!, ["weights"] = hf.WeightsPath, ["classes"] = names.Length,
            ["input"] = model.SampleShape, ["parameters"] = model.parameter_count(),
        }));
        return 0;
    }
}
