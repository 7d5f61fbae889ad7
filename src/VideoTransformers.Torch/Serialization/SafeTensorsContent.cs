namespace VideoTransformers.Torch.Serialization;

/// <summary>Everything a safetensors file holds: its tensors and its metadata.</summary>
/// <param name="Tensors">The tensors in the order of their data in the file.</param>
/// <param name="Metadata">The <c>__metadata__</c> map, empty when the file has none.</param>
public sealed record SafeTensorsContent(IReadOnlyList<SafeTensorEntry> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>Returns the tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists the names present.</exception>
    public SafeTensorEntry this[string name] =>
        Tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"No tensor '{name}'. Tensors present: {string.Join(", ", Tensors.Select(t => t.Name))}.");
}
