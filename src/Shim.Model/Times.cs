using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shim.Model;

/// <summary>
/// io.k8s.apimachinery.pkg.apis.meta.v1.Time as a <see cref="DateTimeOffset"/>: read from any RFC 3339 string,
/// written the way upstream writes it, in UTC with second precision ("2024-05-01T10:00:00Z").
/// </summary>
public sealed class TimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TimeFormat.Parse(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture));
}

/// <summary>
/// io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime: like <see cref="TimeJsonConverter"/> but written with six
/// fractional digits, as upstream's RFC3339Micro ("2024-05-01T10:00:00.000000Z").
/// </summary>
public sealed class MicroTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TimeFormat.Parse(ref reader);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", CultureInfo.InvariantCulture));
}

internal static class TimeFormat
{
    public static DateTimeOffset Parse(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException("a time must be an RFC 3339 string");
        var text = reader.GetString()!;
        // RFC 3339 always carries a zone ("Z" or an offset); a value without one is rejected, as upstream does.
        if (!text.EndsWith('Z') && !text.EndsWith('z') && !HasOffset(text))
            throw new JsonException($"time '{text}' has no zone");
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var value))
            throw new JsonException($"time '{text}' is not RFC 3339");
        return value;
    }

    private static bool HasOffset(string text) =>
        text.Length > 6 && (text[^6] == '+' || text[^6] == '-') && text[^3] == ':';
}
