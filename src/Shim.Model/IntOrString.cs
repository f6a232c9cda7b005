using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shim.Model;

/// <summary>
/// io.k8s.apimachinery.pkg.util.intstr.IntOrString: a JSON integer or a JSON string (e.g. a port number or name,
/// "25%"). The JSON form it was read in is the form it is written back in.
/// </summary>
[JsonConverter(typeof(IntOrStringJsonConverter))]
public readonly struct IntOrString : IEquatable<IntOrString>
{
    private readonly int _int;
    private readonly string? _string;

    private IntOrString(int value)
    {
        _int = value;
        _string = null;
        IsInt = true;
    }

    private IntOrString(string value)
    {
        _int = 0;
        _string = value;
        IsInt = false;
    }

    /// <summary>True when the value is an integer (JSON number), false when it is a string.</summary>
    public bool IsInt { get; }

    public int IntValue => IsInt ? _int : throw new InvalidOperationException("IntOrString holds a string");

    public string StringValue => IsInt ? throw new InvalidOperationException("IntOrString holds an integer") : _string ?? "";

    public static IntOrString FromInt32(int value) => new(value);

    public static IntOrString FromString(string value) => new(value ?? throw new ArgumentNullException(nameof(value)));

    public static implicit operator IntOrString(int value) => FromInt32(value);

    public static implicit operator IntOrString(string value) => FromString(value);

    public bool Equals(IntOrString other) => IsInt == other.IsInt && (IsInt ? _int == other._int : StringValue == other.StringValue);

    public override bool Equals(object? obj) => obj is IntOrString other && Equals(other);

    public override int GetHashCode() => IsInt ? _int.GetHashCode() : StringComparer.Ordinal.GetHashCode(StringValue);

    public override string ToString() => IsInt ? _int.ToString(CultureInfo.InvariantCulture) : StringValue;

    public static bool operator ==(IntOrString left, IntOrString right) => left.Equals(right);

    public static bool operator !=(IntOrString left, IntOrString right) => !left.Equals(right);
}

public sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        // Upstream decodes the integer form into an int32; anything else is a decoding error there too.
        JsonTokenType.Number when reader.TryGetInt32(out var i) => IntOrString.FromInt32(i),
        JsonTokenType.String => IntOrString.FromString(reader.GetString()!),
        _ => throw new JsonException("IntOrString must be an int32 or a string"),
    };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.IsInt)
            writer.WriteNumberValue(value.IntValue);
        else
            writer.WriteStringValue(value.StringValue);
    }
}
