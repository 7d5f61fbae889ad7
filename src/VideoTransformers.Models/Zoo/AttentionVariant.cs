namespace VideoTransformers.Zoo;

/// <summary>
/// One attention variant of a model family (a ViViT attention variant, a TimeSformer attention scheme), as the
/// <see cref="ModelRegistry"/> lists it: the names it is selected by, and what it is. Family-specific subclasses
/// (<see cref="Models.ViViTVariant"/>, <see cref="Models.TimeSformerAttention"/>) add how it builds its encoder, its FLOPs
/// and how its attention maps are read. Every variant is a single instance, so configurations compare it by reference.
/// </summary>
public abstract class AttentionVariant
{
    /// <summary>The family it belongs to (<see cref="ModelFamily.Name"/>), e.g. <c>vivit</c>.</summary>
    public abstract string Family { get; }

    /// <summary>
    /// The name model specs store (the JSON value of the configuration's variant), e.g. <c>FactorisedEncoder</c>.
    /// It never changes once released: checkpoints carry it.
    /// </summary>
    public abstract string Id { get; }

    /// <summary>The name <c>vt train --variant</c> and the <c>variant</c> config key take, e.g. <c>factorised-encoder</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Other spellings accepted for <see cref="Name"/>, e.g. <c>factorized-encoder</c>.</summary>
    public virtual IReadOnlyList<string> Aliases => [];

    /// <summary>One line on what it does, for <c>vt models</c>, the CLI help and the docs.</summary>
    public abstract string Description { get; }

    /// <summary><see cref="Name"/> followed by the <see cref="Aliases"/>.</summary>
    public IEnumerable<string> Names => Aliases.Prepend(Name);

    /// <summary>True when <paramref name="name"/> is the variant's <see cref="Name"/>, one of its aliases, or its <see cref="Id"/>.</summary>
    public bool IsNamed(string name) => name == Id || Names.Contains(name);

    /// <summary>The <see cref="Id"/>.</summary>
    public override string ToString() => Id;
}
