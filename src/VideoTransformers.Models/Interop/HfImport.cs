using VideoTransformers.Torch.Serialization;
using System.Text.Json;
using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using VideoTransformers.Zoo;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Interop;

/// <summary>
/// Imports Hugging Face transformers checkpoints (a folder with <c>config.json</c> and <c>model.safetensors</c> or
/// <c>pytorch_model.bin</c>) of <c>VivitForVideoClassification</c> and <c>TimesformerForVideoClassification</c> by
/// mapping HF's parameter names onto ours (see docs/hf-import.md), so that the published Kinetics weights can be used
/// from .NET. A <c>pytorch_model.bin</c> is read by <see cref="PyTorchStateDict"/>, which unpickles nothing but a state dict.
/// </summary>
public static class HfImport
{
    /// <summary>The file name of the weights in safetensors format, preferred when both formats are present.</summary>
    public const string SafeTensorsFile = "model.safetensors";
    /// <summary>The file name of the weights as a <c>torch.save</c> state dict (zip format).</summary>
    public const string PyTorchFile = "pytorch_model.bin";

    /// <summary>The result of an import: the model, its spec, the class names from <c>id2label</c>, and the weights file read.</summary>
    /// <param name="Model">The model with the imported weights, in eval mode.</param>
    /// <param name="Spec">Its spec.</param>
    /// <param name="Labels">Class names by index (empty when the config has none).</param>
    /// <param name="WeightsPath">The file the weights came from: <c>model.safetensors</c>, or <c>pytorch_model.bin</c> when there is no safetensors file.</param>
    public sealed record Result(VideoClassifier Model, ModelSpec Spec, IReadOnlyList<string> Labels, string WeightsPath);

    /// <summary>
    /// Loads a checkpoint folder; the architecture comes from <c>config.json</c>'s <c>model_type</c>. The weights are
    /// read from <c>model.safetensors</c>, or from <c>pytorch_model.bin</c> when the folder has no safetensors file.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">It lacks <c>config.json</c>, or has neither weights file.</exception>
    /// <exception cref="InvalidDataException">The config or a weights file is damaged or hostile, or a weight is missing or left over.</exception>
    /// <exception cref="NotSupportedException">The architecture, activation or file format is one this import does not handle.</exception>
    public static Result Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"HF checkpoint folder '{folder}' does not exist.");
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath)) throw new FileNotFoundException($"HF checkpoint '{folder}' has no config.json.", configPath);
        var weightsPath = WeightsFile(folder);
        var (spec, mapping, labels) = ReadConfig(configPath);
        using var scope = NewDisposeScope();
        var hf = weightsPath.EndsWith(".safetensors", StringComparison.Ordinal) ? SafeTensors.load(weightsPath) : PyTorchStateDict.Load(weightsPath);
        var model = spec.Build();
        try
        {
            var ours = new Dictionary<string, Tensor>();
            var used = new HashSet<string>();
            foreach (var (target, sources) in mapping(model.state_dict().Keys))
            {
                var missing = sources.Where(s => !hf.ContainsKey(s)).ToList();
                if (missing.Count > 0) throw new KeyNotFoundException($"HF checkpoint '{weightsPath}' lacks {string.Join(", ", missing)} (needed for {target}).");
                ours[target] = sources.Length == 1 ? hf[sources[0]] : cat(sources.Select(s => hf[s]).ToList(), 0);
                used.UnionWith(sources);
            }
            var unused = hf.Keys.Where(k => !used.Contains(k) && !k.EndsWith("position_ids", StringComparison.Ordinal)).ToList();
            if (unused.Count > 0) throw new InvalidDataException($"HF checkpoint '{weightsPath}' has weights with no counterpart: {string.Join(", ", unused.Take(10))}{(unused.Count > 10 ? ", ..." : "")}");
            model.load_state_dict_checked(ours, strict: true);
            model.eval();
            return new Result(model, spec, labels, weightsPath);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private delegate IEnumerable<(string target, string[] sources)> Mapping(IEnumerable<string> ourKeys);

    private static string WeightsFile(string folder)
    {
        foreach (var name in new[] { SafeTensorsFile, PyTorchFile })
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path)) return path;
        }
        var sharded = File.Exists(Path.Combine(folder, SafeTensorsFile + ".index.json")) || File.Exists(Path.Combine(folder, PyTorchFile + ".index.json"));
        throw new FileNotFoundException(sharded
            ? $"HF checkpoint '{folder}' is sharded (*.index.json), which is not supported: save it as one {SafeTensorsFile} or {PyTorchFile}."
            : $"HF checkpoint '{folder}' has neither {SafeTensorsFile} nor {PyTorchFile}.", Path.Combine(folder, SafeTensorsFile));
    }

    // config.json decides the architecture. Wrong JSON or a value of the wrong kind is reported as the file's fault.
    private static (ModelSpec Spec, Mapping Mapping, IReadOnlyList<string> Labels) ReadConfig(string configPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(configPath));
            var cfg = doc.RootElement;
            if (cfg.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"HF config '{configPath}' is not a JSON object.");
            var type = Str(cfg, "model_type", "");
            var labels = Labels(cfg, configPath);
            var (spec, mapping) = type switch
            {
                "vivit" => ViViTSpec(cfg, labels.Count),
                "timesformer" => TimeSformerSpec(cfg, labels.Count),
                _ => throw new NotSupportedException($"HF model_type '{type}' in '{configPath}' is not supported; expected 'vivit' or 'timesformer'."),
            };
            return (spec, mapping, labels);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"HF config '{configPath}' cannot be read: {e.Message}", e);
        }
    }

    private static (ModelSpec, Mapping) ViViTSpec(JsonElement c, int labelCount)
    {
        var tub = c.TryGetProperty("tubelet_size", out var t) ? t.EnumerateArray().Select(e => e.GetInt64()).ToArray() : new long[] { 2, 16, 16 };
        var image = Long(c, "image_size", 224);
        var config = new ViViTConfig
        {
            Variant = ViViTVariant.Joint, Pooling = Pooling.Cls,
            Frames = Long(c, "num_frames", 32), ImageHeight = image, ImageWidth = image, Channels = Long(c, "num_channels", 3),
            TubeletT = tub[0], TubeletH = tub[1], TubeletW = tub[2],
            Dim = Long(c, "hidden_size", 768), Heads = Long(c, "num_attention_heads", 12), MlpDim = Long(c, "intermediate_size", 3072),
            Layers = (int)Long(c, "num_hidden_layers", 12), Classes = Math.Max(labelCount, (int)Long(c, "num_labels", labelCount)),
            LayerNormEps = Double(c, "layer_norm_eps", 1e-6), Gelu = Gelu(Str(c, "hidden_act", "gelu_fast")), QkvBias = Bool(c, "qkv_bias", true),
        };
        IEnumerable<(string, string[])> Map(IEnumerable<string> keys)
        {
            yield return ("cls_token", new[] { "vivit.embeddings.cls_token" });
            yield return ("pos_embed.weight", new[] { "vivit.embeddings.position_embeddings" });
            yield return ("tubelet.proj.weight", new[] { "vivit.embeddings.patch_embeddings.projection.weight" });
            yield return ("tubelet.proj.bias", new[] { "vivit.embeddings.patch_embeddings.projection.bias" });
            for (var i = 0; i < config.Layers; i++)
            {
                var h = $"vivit.encoder.layer.{i}.";
                var o = $"encoder.blocks.{i}.";
                foreach (var kind in new[] { "weight", "bias" })
                {
                    if (kind == "weight" || config.QkvBias)
                        yield return (o + "attn.qkv." + kind, new[] { h + "attention.attention.query." + kind, h + "attention.attention.key." + kind, h + "attention.attention.value." + kind });
                    yield return (o + "attn.proj." + kind, new[] { h + "attention.output.dense." + kind });
                    yield return (o + "norm1." + kind, new[] { h + "layernorm_before." + kind });
                    yield return (o + "norm2." + kind, new[] { h + "layernorm_after." + kind });
                    yield return (o + "mlp.fc1." + kind, new[] { h + "intermediate.dense." + kind });
                    yield return (o + "mlp.fc2." + kind, new[] { h + "output.dense." + kind });
                }
            }
            foreach (var kind in new[] { "weight", "bias" })
            {
                yield return ("encoder.norm." + kind, new[] { "vivit.layernorm." + kind });
                yield return ("head.fc." + kind, new[] { "classifier." + kind });
            }
        }
        return (new ModelSpec { Model = "vivit", ViViT = config }, Map);
    }

    private static (ModelSpec, Mapping) TimeSformerSpec(JsonElement c, int labelCount)
    {
        var image = Long(c, "image_size", 224);
        var attention = Str(c, "attention_type", "divided_space_time");
        var config = new TimeSformerConfig
        {
            Attention = ModelZoo.ParseTimeSformerAttention(attention),
            Frames = Long(c, "num_frames", 8), ImageHeight = image, ImageWidth = image, Channels = Long(c, "num_channels", 3),
            PatchSize = Long(c, "patch_size", 16), Dim = Long(c, "hidden_size", 768), Heads = Long(c, "num_attention_heads", 12),
            MlpDim = Long(c, "intermediate_size", 3072), Layers = (int)Long(c, "num_hidden_layers", 12),
            Classes = Math.Max(labelCount, (int)Long(c, "num_labels", labelCount)),
            LayerNormEps = Double(c, "layer_norm_eps", 1e-6), Gelu = Gelu(Str(c, "hidden_act", "gelu")), QkvBias = Bool(c, "qkv_bias", true),
        };
        IEnumerable<(string, string[])> Map(IEnumerable<string> keys)
        {
            var e = "timesformer.embeddings.";
            yield return ("cls_token", new[] { e + "cls_token" });
            yield return ("pos_embed.weight", new[] { e + "position_embeddings" });
            if (config.Attention != TimeSformerAttention.SpaceOnly) yield return ("time_embed.weight", new[] { e + "time_embeddings" });
            yield return ("patch_embed.proj.weight", new[] { e + "patch_embeddings.projection.weight" });
            yield return ("patch_embed.proj.bias", new[] { e + "patch_embeddings.projection.bias" });
            var pairs = new List<(string ours, string theirs)>
            {
                ("norm1", "layernorm_before"), ("attn.proj", "attention.output.dense"), ("norm2", "layernorm_after"),
                ("mlp.fc1", "intermediate.dense"), ("mlp.fc2", "output.dense"),
            };
            if (config.Attention == TimeSformerAttention.DividedSpaceTime)
                pairs.AddRange(new[] { ("temporal_norm1", "temporal_layernorm"), ("temporal_attn.proj", "temporal_attention.output.dense"), ("temporal_fc", "temporal_dense") });
            for (var i = 0; i < config.Layers; i++)
            {
                var h = $"timesformer.encoder.layer.{i}.";
                var o = $"blocks.{i}.";
                foreach (var kind in new[] { "weight", "bias" })
                    foreach (var (ours, theirs) in pairs) yield return (o + ours + "." + kind, new[] { h + theirs + "." + kind });
                yield return (o + "attn.qkv.weight", new[] { h + "attention.attention.qkv.weight" });
                if (config.QkvBias) yield return (o + "attn.qkv.bias", new[] { h + "attention.attention.qkv.bias" });
                if (config.Attention == TimeSformerAttention.DividedSpaceTime)
                {
                    yield return (o + "temporal_attn.qkv.weight", new[] { h + "temporal_attention.attention.qkv.weight" });
                    if (config.QkvBias) yield return (o + "temporal_attn.qkv.bias", new[] { h + "temporal_attention.attention.qkv.bias" });
                }
            }
            foreach (var kind in new[] { "weight", "bias" })
            {
                yield return ("norm." + kind, new[] { "timesformer.layernorm." + kind });
                yield return ("head.fc." + kind, new[] { "classifier." + kind });
            }
        }
        return (new ModelSpec { Model = "timesformer", TimeSformer = config }, Map);
    }

    private static string Gelu(string act) => act switch
    {
        "gelu" => "none",
        "gelu_fast" or "gelu_new" or "gelu_pytorch_tanh" => "tanh",
        _ => throw new NotSupportedException($"HF activation '{act}' is not supported (expected gelu, gelu_fast, gelu_new or gelu_pytorch_tanh)."),
    };

    private static IReadOnlyList<string> Labels(JsonElement c, string configPath)
    {
        if (!c.TryGetProperty("id2label", out var m) || m.ValueKind != JsonValueKind.Object) return Array.Empty<string>();
        var pairs = m.EnumerateObject().Select(p => (index: int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), label: p.Value.GetString() ?? p.Name)).OrderBy(p => p.index).ToList();
        // Labels are looked up by class index: a gap or a repeat would shift every name after it.
        for (var i = 0; i < pairs.Count; i++)
            if (pairs[i].index != i) throw new InvalidDataException($"HF config '{configPath}': id2label must number its classes 0 to {pairs.Count - 1}, but has {string.Join(", ", pairs.Select(p => p.index))}.");
        return pairs.Select(p => p.label).ToList();
    }

    private static long Long(JsonElement c, string key, long fallback) => c.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : fallback;
    private static double Double(JsonElement c, string key, double fallback) => c.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;
    private static string Str(JsonElement c, string key, string fallback) => c.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : fallback;
    private static bool Bool(JsonElement c, string key, bool fallback) => c.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;
}
