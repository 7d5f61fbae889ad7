namespace VideoTransformers.Torch;

/// <summary>Kinds of device a tensor can live on.</summary>
public enum DeviceType
{
    /// <summary>Host memory.</summary>
    CPU = 0,
    /// <summary>An NVIDIA GPU (when the libtorch in use was built with CUDA).</summary>
    CUDA = 1,
}

/// <summary>A device: its type and index (as <c>torch.device</c>).</summary>
public sealed record Device(DeviceType Type, int Index = -1)
{
    /// <summary>The CPU.</summary>
    public static readonly Device CPU = new(DeviceType.CPU);

    /// <summary>The current CUDA device.</summary>
    public static readonly Device CUDA = new(DeviceType.CUDA, 0);

    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    public static Device Parse(string s)
    {
        var t = s.Trim().ToLowerInvariant();
        if (t == "cpu") return CPU;
        if (t == "cuda") return CUDA;
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t[5..], out var i)) return new Device(DeviceType.CUDA, i);
        throw new ArgumentException($"Unknown device '{s}'; expected cpu, cuda or cuda:N.", nameof(s));
    }

    /// <inheritdoc />
    public override string ToString() => Type == DeviceType.CPU ? "cpu" : Index >= 0 ? $"cuda:{Index}" : "cuda";
}
