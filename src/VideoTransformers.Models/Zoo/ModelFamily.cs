using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>
/// One model family of the zoo (<c>frame-vit</c>, <c>vivit</c>, …) as the <see cref="ModelRegistry"/> lists it: its name
/// and description, what it takes, which hyper-parameters it has, its attention variants, and how a
/// <see cref="ModelSpec"/> of it is sized to a dataset, changed and built. The command line, the configuration file,
/// <c>vt models</c> and the docs all read the families from the registry instead of switching on names.
/// </summary>
public abstract class ModelFamily
{
    /// <summary>The name specs, <c>vt train --model</c> and the <c>model_name</c> key use.</summary>
    public abstract string Name { get; }

    /// <summary>One line on what the family is.</summary>
    public abstract string Description { get; }

    /// <summary>Video frames or per-frame features.</summary>
    public abstract ModelInput Input { get; }

    /// <summary>The hyper-parameters of <see cref="ModelOverrides"/> that <see cref="Apply"/> maps to this family's configuration.</summary>
    public abstract IReadOnlySet<ModelSetting> Settings { get; }

    /// <summary>What its variants are called in messages, e.g. "ViViT variant"; null for a family without variants.</summary>
    public virtual string? VariantNoun => null;

    /// <summary>True when <see cref="Settings"/> has <paramref name="setting"/>.</summary>
    public bool Accepts(ModelSetting setting) => Settings.Contains(setting);

    /// <summary>The family's attention variants, in the registry's order (empty for a family without them).</summary>
    public IReadOnlyList<AttentionVariant> Variants => ModelRegistry.Variants.Where(v => v.Family == Name).ToList();

    /// <summary>The variant <paramref name="name"/> (its name, an alias or its id).</summary>
    /// <exception cref="ArgumentException">The family has no variant of that name.</exception>
    public AttentionVariant Variant(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var variants = Variants;
        if (variants.Count == 0) throw new ArgumentException($"{Name} has no attention variants, so --variant/variant does not apply to it (got '{name}').");
        return variants.FirstOrDefault(v => v.IsNamed(name))
               ?? throw new ArgumentException($"Unknown {VariantNoun} '{name}'; expected {Or(variants.Select(v => v.Name))}.");
    }

    /// <summary>The variant <see cref="ForData"/> picks when none is asked for (null for a family without variants).</summary>
    public virtual AttentionVariant? DefaultVariant => null;

    /// <summary>The variant a spec of this family uses, or null for a family without variants.</summary>
    public virtual AttentionVariant? VariantOf(ModelSpec spec) => null;

    /// <summary>Builds the model of <paramref name="spec"/>.</summary>
    /// <exception cref="ArgumentException">The spec has no configuration for this family.</exception>
    public abstract VideoClassifier Build(ModelSpec spec);

    /// <summary>
    /// A spec of this family sized to <paramref name="data"/>: <paramref name="preset"/>'s configuration (a spec of this
    /// family) or the family's small default, with the data's clip shape and classes, and <paramref name="variant"/>
    /// (one of <see cref="Variants"/>) when given.
    /// </summary>
    /// <exception cref="ArgumentException">The data lacks what the family needs (frames or features), or the variant is another family's.</exception>
    public abstract ModelSpec ForData(DataShape data, AttentionVariant? variant = null, ModelSpec? preset = null);

    /// <summary>
    /// <paramref name="spec"/> with the values <paramref name="overrides"/> gives for this family's <see cref="Settings"/>;
    /// the others are ignored.
    /// </summary>
    public abstract ModelSpec Apply(ModelSpec spec, ModelOverrides overrides);

    /// <summary>The <see cref="Name"/>.</summary>
    public override string ToString() => Name;

    /// <summary>The error for a spec without this family's configuration.</summary>
    protected ArgumentException Missing(ModelSpec spec) => new($"Model spec '{spec.Model}' has no configuration for that family.");

    /// <summary>Throws unless <paramref name="variant"/> is null or one of this family's.</summary>
    protected T? Check<T>(AttentionVariant? variant) where T : AttentionVariant => variant switch
    {
        null => null,
        T own when own.Family == Name => own,
        _ => throw new ArgumentException($"'{variant.Name}' is a {variant.Family} variant, not a {Name} one."),
    };

    /// <summary>Throws unless <paramref name="data"/> gives the frame size.</summary>
    protected (long channels, long height, long width) Frames(DataShape data) => data.IsVideo
        ? (data.Channels!.Value, data.Height!.Value, data.Width!.Value)
        : throw new ArgumentException($"{Name} takes video frames [T, C, H, W]; the data gives per-frame features.");

    /// <summary>"a, b or c".</summary>
    internal static string Or(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count <= 1 ? string.Join("", list) : string.Join(", ", list.Take(list.Count - 1)) + " or " + list[^1];
    }
}
