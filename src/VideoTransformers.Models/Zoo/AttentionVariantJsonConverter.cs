using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoTransformers.Zoo;

/// <summary>
/// Reads and writes a registered <typeparamref name="T"/> as its <see cref="AttentionVariant.Id"/>, the string the enum it
/// replaced was written as, so that model specs written before the registry still load.
/// </summary>
public sealed class AttentionVariantJsonConverter<T> : JsonConverter<T> where T : AttentionVariant
{
    /// <inheritdoc />
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"A {typeof(T).Name} is written as a string (one of {Known()}), got {reader.TokenType}.");
        var text = reader.GetString()!;
        return ModelRegistry.Variants.OfType<T>().FirstOrDefault(v => v.IsNamed(text))
               ?? throw new JsonException($"Unknown {typeof(T).Name} '{text}'; expected one of {Known()}.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.Id);
    }

    private static string Known() => string.Join(", ", ModelRegistry.Variants.OfType<T>().Select(v => v.Id));
}
