namespace VideoTransformers.Interop;

/// <summary>A global (<c>module.name</c>) that a pickle referred to and the allow-list let through.</summary>
/// <param name="Module">The module, e.g. <c>torch._utils</c>.</param>
/// <param name="Name">The name in it, e.g. <c>_rebuild_tensor_v2</c>.</param>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => Module + "." + Name;
}
