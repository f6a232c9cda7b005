using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shim.Model;

/// <summary>
/// io.k8s.apimachinery.pkg.api.resource.Quantity ("500m", "1Gi", 2). Kept as its text, not parsed: the model
/// carries quantities, it does not compute with them. Upstream v3 publishes oneOf [string, number]; a value
/// that arrived as a JSON number is written back as that number so a round trip changes nothing.
/// </summary>
[JsonConverter(typeof(QuantityJsonConverter))]
public readonly struct Quantity : IEquatable<Quantity>
{
    private readonly string? _value;

    public Quantity(string value)
    {
        _value = value ?? throw new ArgumentNullException(nameof(value));
        IsNumber = false;
    }

    private Quantity(string text, bool isNumber)
    {
        _value = text;
        IsNumber = isNumber;
    }

    /// <summary>The quantity as written ("500m", "1Gi", or the digits of a JSON number).</summary>
    public string Value => _value ?? "";

    /// <summary>True when the value was read from a JSON number rather than a string.</summary>
    public bool IsNumber { get; }

    /// <summary>A quantity that serializes as a JSON number; <paramref name="jsonNumber"/> must be valid JSON number text.</summary>
    public static Quantity FromJsonNumber(string jsonNumber) => new(jsonNumber, true);

    public static implicit operator Quantity(string value) => new(value);

    public bool Equals(Quantity other) => Value == other.Value && IsNumber == other.IsNumber;

    public override bool Equals(object? obj) => obj is Quantity other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Value), IsNumber);

    public override string ToString() => Value;

    public static bool operator ==(Quantity left, Quantity right) => left.Equals(right);

    public static bool operator !=(Quantity left, Quantity right) => !left.Equals(right);
}

public sealed class QuantityJsonConverter : JsonConverter<Quantity>
{
    public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new Quantity(reader.GetString()!);
            case JsonTokenType.Number:
                // Keep the number's exact text (e.g. 0.5, 1e3): re-encoding a double could change it.
                var text = reader.HasValueSequence
                    ? System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence))
                    : System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                return Quantity.FromJsonNumber(text);
            default:
                throw new JsonException("Quantity must be a string or a number");
        }
    }

    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options)
    {
        if (value.IsNumber)
            writer.WriteRawValue(value.Value);
        else
            writer.WriteStringValue(value.Value);
    }
}
