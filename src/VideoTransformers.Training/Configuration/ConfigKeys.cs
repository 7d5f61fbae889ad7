using System.Globalization;
using VideoTransformers.Blocks;
using VideoTransformers.Zoo;

namespace VideoTransformers.Training.Configuration;

/// <summary>
/// The table of every key a run configuration may hold. The loader and the writer both read it, so a key written
/// by <see cref="ConfigWriter"/> is always one <see cref="ConfigLoader"/> accepts.
/// </summary>
internal static class ConfigKeys
{
    public const string TrainingPresetKey = "training_preset";

    /// <summary>The families (in the registry's order) that have <paramref name="setting"/>.</summary>
    private static string[] Having(ModelSetting setting) => ModelRegistry.Families.Where(f => f.Accepts(setting)).Select(f => f.Name).ToArray();

    /// <summary>The families that take video frames.</summary>
    private static string[] VideoModels => ModelRegistry.Families.Where(f => f.Input == ModelInput.Video).Select(f => f.Name).ToArray();

    /// <summary>The families with attention variants.</summary>
    private static string[] WithVariants => ModelRegistry.Families.Where(f => f.Variants.Count > 0).Select(f => f.Name).ToArray();

    /// <summary>
    /// The longest clip window (<c>max_frames</c>, <c>slicing_step</c>) a file may ask for: far above real clips (KTH's
    /// are 80 frames), low enough that a sampler's frame arithmetic stays in <see cref="int"/>.
    /// </summary>
    public const long MaxClipFrames = 100_000;

    /// <summary>The largest frame side a file may ask for: far above real inputs (64 to 518), so that frame buffers stay sane.</summary>
    public const long MaxImageSide = 4096;

    public static IReadOnlyList<ConfigKey> All { get; } = Build();

    public static IReadOnlyDictionary<string, ConfigKey> ByName { get; } = All.ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>Every accepted key, the preset key included.</summary>
    public static IEnumerable<string> Names => All.Select(k => k.Name).Prepend(TrainingPresetKey);

    private static List<ConfigKey> Build()
    {
        var keys = new List<ConfigKey>();

        void M(string name, string[]? families, Func<ModelOptions, ConfigValue, ModelOptions> apply, Func<ModelOptions, string?> write) =>
            keys.Add(new ConfigKey(name, true, families, (rc, v) => rc with { Model = apply(rc.Model, v) }, rc => write(rc.Model)));

        void T(string name, Func<TrainingConfig, ConfigValue, TrainingConfig> apply, Func<TrainingConfig, string?> write) =>
            keys.Add(new ConfigKey(name, false, null, (rc, v) => rc with { Training = apply(rc.Training, v) }, rc => write(rc.Training)));

        // ---- model: the KTH FrameViT study's keys first, in its order ----
        M("model_name", null, (m, v) => m with { ModelName = v.Choice(ModelRegistry.FamilyNames, ModelZoo.FamilyAliases) }, m => m.ModelName);
        M("patch_size", Having(ModelSetting.PatchSize), (m, v) => m with { PatchSize = v.Long(1) }, m => Num(m.PatchSize));
        M("token_dim", Having(ModelSetting.Dim), (m, v) => m with { TokenDim = v.Long(1) }, m => Num(m.TokenDim));
        M("attn_dim", Having(ModelSetting.AttnDim), (m, v) => m with { AttnDim = v.Long(1) }, m => Num(m.AttnDim));
        M("num_heads", Having(ModelSetting.Heads), (m, v) => m with { NumHeads = v.Long(1) }, m => Num(m.NumHeads));
        M("mlp_size", Having(ModelSetting.MlpDim), (m, v) => m with { MlpSize = v.Long(1) }, m => Num(m.MlpSize));
        M("num_tf_layers", Having(ModelSetting.Layers), (m, v) => m with { NumTfLayers = v.Int(1) }, m => Num(m.NumTfLayers));
        M("num_classes", null, (m, v) => m with { NumClasses = v.Long(2) }, m => Num(m.NumClasses));
        M("max_frames", null, (m, v) => m with { MaxFrames = v.Long(1, MaxClipFrames) }, m => Num(m.MaxFrames));
        M("slicing_step", null, (m, v) => m with { SlicingStep = v.Long(1, MaxClipFrames) }, m => Num(m.SlicingStep));
        // ---- model: the other families ----
        M("model_preset", null, (m, v) => m with { Preset = v.Choice(ModelZoo.Presets.Keys) }, m => m.Preset);
        M("variant", WithVariants, (m, v) => m with { Variant = v.Choice(ModelRegistry.VariantNames) }, m => m.Variant);
        M("image_size", VideoModels, (m, v) => { var s = v.Long(1, MaxImageSide); return m with { ImageHeight = s, ImageWidth = s }; }, _ => null);
        M("image_height", VideoModels, (m, v) => m with { ImageHeight = v.Long(1, MaxImageSide) }, m => Num(m.ImageHeight));
        M("image_width", VideoModels, (m, v) => m with { ImageWidth = v.Long(1, MaxImageSide) }, m => Num(m.ImageWidth));
        M("channels", VideoModels, (m, v) => m with { Channels = v.Long(1) }, m => Num(m.Channels));
        M("tubelet_size", Having(ModelSetting.TubeletSize), (m, v) => m with { TubeletSize = v.List(3).Select(x => x.Long(1)).ToArray() },
            m => m.TubeletSize is { } t ? "[" + string.Join(", ", t.Select(x => Num(x))) + "]" : null);
        M("temporal_layers", Having(ModelSetting.TemporalLayers), (m, v) => m with { TemporalLayers = v.Int(1) }, m => Num(m.TemporalLayers));
        M("pooling", Having(ModelSetting.Pooling), (m, v) => m with { Pooling = v.Choice(["cls", "mean"]) == "cls" ? Pooling.Cls : Pooling.Mean },
            m => m.Pooling is { } p ? (p == Pooling.Cls ? "cls" : "mean") : null);
        M("layer_norm_eps", Having(ModelSetting.LayerNormEps), (m, v) => m with { LayerNormEps = v.Double(0, 1, minExclusive: true) }, m => Num(m.LayerNormEps));
        M("dropout", null, (m, v) => m with { Dropout = v.Double(0, 1, maxExclusive: true) }, m => Num(m.Dropout));
        M("attn_dropout", Having(ModelSetting.AttnDropout), (m, v) => m with { AttnDropout = v.Double(0, 1, maxExclusive: true) }, m => Num(m.AttnDropout));
        M("drop_path", Having(ModelSetting.DropPath), (m, v) => m with { DropPath = v.Double(0, 1, maxExclusive: true) }, m => Num(m.DropPath));
        M("head_hidden", Having(ModelSetting.HeadHidden), (m, v) => m with { HeadHidden = v.IsNull ? null : v.Long(1) }, m => Num(m.HeadHidden));
        M("feature_dim", Having(ModelSetting.FeatureDim), (m, v) => m with { FeatureDim = v.Long(1) }, m => Num(m.FeatureDim));
        M("hidden_size", Having(ModelSetting.HiddenSize), (m, v) => m with { HiddenSize = v.Long(1) }, m => Num(m.HiddenSize));
        M("num_lstm_layers", Having(ModelSetting.LstmLayers), (m, v) => m with { NumLstmLayers = v.Long(1) }, m => Num(m.NumLstmLayers));

        // ---- training ----
        // The readers only parse (a number, a whole number within int, a name): every range and cross-key rule lives
        // in TrainingConfig.Problems, which the loader runs on the result, so a value is judged by one rule wherever
        // the configuration comes from.
        T("num_epochs", (t, v) => t with { Epochs = v.Int() }, t => Num(t.Epochs));
        T("batch_size", (t, v) => t with { BatchSize = v.Int() }, t => Num(t.BatchSize));
        T("optimizer", (t, v) => t with { Optimizer = v.Enum<OptimizerKind>() }, t => ConfigNames.Of(t.Optimizer));
        T("lr", (t, v) => t with { LearningRate = v.Double() }, t => Num(t.LearningRate));
        T("weight_decay", (t, v) => t with { WeightDecay = v.Double() }, t => Num(t.WeightDecay));
        T("betas", (t, v) =>
        {
            var b = v.List(2).Select(x => x.Double()).ToArray();
            return t with { Beta1 = b[0], Beta2 = b[1] };
        }, t => $"[{Num(t.Beta1)}, {Num(t.Beta2)}]");
        T("eps", (t, v) => t with { Eps = v.Double() }, t => Num(t.Eps));
        T("momentum", (t, v) => t with { Momentum = v.Double() }, t => Num(t.Momentum));
        T("nesterov", (t, v) => t with { Nesterov = v.Bool() }, t => t.Nesterov ? "true" : "false");
        T("schedule", (t, v) => t with { Schedule = v.Enum<ScheduleKind>() }, t => ConfigNames.Of(t.Schedule));
        T("step_size", (t, v) => t with { StepSize = v.Int() }, t => Num(t.StepSize));
        T("gamma", (t, v) => t with { Gamma = v.Double() }, t => Num(t.Gamma));
        T("warmup_epochs", (t, v) => t with { WarmupEpochs = v.Double() }, t => Num(t.WarmupEpochs));
        T("warmup_steps", (t, v) => t with { WarmupSteps = v.IsNull ? null : v.Int() }, t => Num(t.WarmupSteps));
        T("min_lr", (t, v) => t with { MinLr = v.Double() }, t => Num(t.MinLr));
        T("warmup_start_factor", (t, v) => t with { WarmupStartFactor = v.Double() }, t => Num(t.WarmupStartFactor));
        T("label_smoothing", (t, v) => t with { LabelSmoothing = v.Double() }, t => Num(t.LabelSmoothing));
        T("grad_clip_norm", (t, v) => t with { GradClipNorm = v.IsNull ? null : v.Double() }, t => Num(t.GradClipNorm));
        T("ema_decay", (t, v) => t with { EmaDecay = v.IsNull ? null : v.Double() }, t => Num(t.EmaDecay));
        T("early_stopping_patience", (t, v) => t with { EarlyStoppingPatience = v.IsNull ? null : v.Int() }, t => Num(t.EarlyStoppingPatience));
        T("early_stopping_min_delta", (t, v) => t with { EarlyStoppingMinDelta = v.Double() }, t => Num(t.EarlyStoppingMinDelta));
        T("monitor", (t, v) => t with { Monitor = v.Enum<MonitorMetric>() }, t => ConfigNames.Of(t.Monitor));
        T("monitor_mode", (t, v) => t with { MonitorMode = v.IsNull || v.Text == "auto" ? null : v.Enum<MetricMode>() },
            t => t.MonitorMode is { } m ? ConfigNames.Of(m) : "auto");
        T("checkpoint_metric", (t, v) => t with { CheckpointMetric = v.IsNull ? null : v.Enum<MonitorMetric>() },
            t => t.CheckpointMetric is { } m ? ConfigNames.Of(m) : null);
        T("seed", (t, v) => t with { Seed = v.Long() }, t => Num(t.Seed));
        T("data_seed", (t, v) => t with { DataSeed = v.Int() }, t => Num(t.DataSeed));
        T("threads", (t, v) => t with { Threads = v.IsNull ? null : v.Int() }, t => Num(t.Threads));
        return keys;
    }

    /// <summary>Formats a whole number for YAML.</summary>
    public static string? Num(long? v) => v?.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Formats a double so that it reads back to the same bits, and so that YAML 1.1 readers (PyYAML) see a float:
    /// they need a dot in the mantissa of an exponent form, so <c>1E-05</c> becomes <c>1.0e-05</c>.
    /// </summary>
    public static string? Num(double? v)
    {
        if (v is not { } d) return null;
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        var e = s.IndexOf('E');
        if (e < 0) return s;
        var mantissa = s[..e];
        if (!mantissa.Contains('.')) mantissa += ".0";
        return mantissa + "e" + s[(e + 1)..];
    }
}
