namespace VideoTransformers.Torch;

/// <summary>Thrown by strict <c>load_state_dict</c>; lists every missing key, unexpected key and shape mismatch.</summary>
public sealed class StateDictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StateDictException(IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
        : base(Format(missing, unexpected, mismatched))
    {
        MissingKeys = missing;
        UnexpectedKeys = unexpected;
        ShapeMismatches = mismatched;
    }

    /// <summary>Keys the module has but the state dict lacks.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Keys the state dict has but the module lacks.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>"key: expected [..], got [..]" for each shape mismatch.</summary>
    public IReadOnlyList<string> ShapeMismatches { get; }

    private static string Format(IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add("Missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")) + ".");
        if (unexpected.Count > 0) parts.Add("Unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")) + ".");
        if (mismatched.Count > 0) parts.Add("Size mismatch: " + string.Join("; ", mismatched) + ".");
        return "Error(s) in loading state_dict: " + string.Join(" ", parts);
    }
}
