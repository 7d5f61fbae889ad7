using System.Reflection;
using System.Text.Json.Serialization;

namespace VideoTransformers.Training.Configuration;

/// <summary>
/// The configuration-file names of enum values (<c>adamw</c>, <c>val_loss</c>, …), read from their
/// <see cref="JsonStringEnumMemberNameAttribute"/> so that YAML and JSON spell them the same way.
/// </summary>
public static class ConfigNames
{
    /// <summary>The file name of <paramref name="value"/>.</summary>
    public static string Of<T>(T value) where T : struct, Enum
    {
        var name = value.ToString();
        var field = typeof(T).GetField(name);
        return field?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? name;
    }

    /// <summary>Every file name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Of).ToArray();

    /// <summary>Parses a file name (exact, case-sensitive); false when it names no value.</summary>
    public static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
        {
            if (Of(v) != text) continue;
            value = v;
            return true;
        }
        value = default;
        return false;
    }
}
