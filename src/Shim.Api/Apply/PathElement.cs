using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Api.Apply;

/// <summary>
/// One step of a field path, as structured-merge-diff defines it: a field name, the key fields of a map-list
/// item, the value of a set-list item, or a list index. Elements are totally ordered (fields, then keys, then
/// values, then indices), which gives FieldsV1 its sorted form.
/// </summary>
public sealed class PathElement : IComparable<PathElement>, IEquatable<PathElement>
{
    private string? _serialized;

    private PathElement(PathElementKind kind, string? fieldName, IReadOnlyList<KeyValuePair<string, JsonNode?>>? key, JsonNode? value, int index)
    {
        Kind = kind;
        FieldName = fieldName;
        Key = key;
        Value = value;
        Index = index;
    }

    public PathElementKind Kind { get; }

    /// <summary>The field name (Kind Field).</summary>
    public string? FieldName { get; }

    /// <summary>The key fields sorted by name (Kind Key). Values are detached copies; do not modify them.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>>? Key { get; }

    /// <summary>The item value (Kind Value); null stands for JSON null. A detached copy; do not modify it.</summary>
    public JsonNode? Value { get; }

    /// <summary>The position (Kind Index).</summary>
    public int Index { get; }

    public static PathElement Field(string name) => new(PathElementKind.Field, name, null, null, 0);

    public static PathElement IndexOf(int index) => new(PathElementKind.Index, null, null, null, index);

    public static PathElement ValueOf(JsonNode? value) => new(PathElementKind.Value, null, null, JsonValues.Clone(value), 0);

    /// <summary>A map-list item by its key fields (sorted by name here, as upstream).</summary>
    public static PathElement KeyOf(IEnumerable<KeyValuePair<string, JsonNode?>> fields)
    {
        var list = fields.Select(f => new KeyValuePair<string, JsonNode?>(f.Key, JsonValues.Clone(f.Value))).ToList();
        // A stable sort by name, as upstream's FieldList.Sort.
        var sorted = list.Select((f, i) => (f, i)).OrderBy(x => x.f.Key, JsonValues.GoStringComparer).ThenBy(x => x.i).Select(x => x.f).ToList();
        return new PathElement(PathElementKind.Key, null, sorted, null, 0);
    }

    public static PathElement KeyOf(params (string Name, JsonNode? Value)[] fields) =>
        KeyOf(fields.Select(f => new KeyValuePair<string, JsonNode?>(f.Name, f.Value)));

    /// <summary>The FieldsV1 form: <c>f:name</c>, <c>k:{"name":"x"}</c>, <c>v:"x"</c>, <c>i:0</c>.</summary>
    public string Serialize()
    {
        if (_serialized is not null)
        {
            return _serialized;
        }

        var sb = new StringBuilder();
        switch (Kind)
        {
            case PathElementKind.Field:
                sb.Append("f:").Append(FieldName);
                break;
            case PathElementKind.Key:
                sb.Append("k:{");
                for (var i = 0; i < Key!.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    // Names are written without HTML escaping, values with it (json-iterator's object field vs. value).
                    JsonValues.WriteGoString(sb, Key[i].Key, htmlSafe: false);
                    sb.Append(':');
                    JsonValues.WriteGoJson(sb, Key[i].Value, htmlSafe: true);
                }

                sb.Append('}');
                break;
            case PathElementKind.Value:
                sb.Append("v:");
                JsonValues.WriteGoJson(sb, Value, htmlSafe: true);
                break;
            default:
                sb.Append("i:").Append(Index.ToString(CultureInfo.InvariantCulture));
                break;
        }

        return _serialized = sb.ToString();
    }

    /// <summary>
    /// Parses a FieldsV1 key. Returns null for element types this version does not know (upstream drops them);
    /// throws FormatException for malformed keys. Numbers in keys and values are read as floats, as upstream.
    /// </summary>
    public static PathElement? Deserialize(string s)
    {
        if (s.Length < 2)
        {
            throw new FormatException("key must be 2 characters long:");
        }

        if (s[1] != ':')
        {
            throw new FormatException($"missing colon: {s}");
        }

        var rest = s[2..];
        switch (s[0])
        {
            case 'f':
                return Field(rest);
            case 'v':
                return new PathElement(PathElementKind.Value, null, null, JsonValues.ToFloats(ParseJson(rest)), 0);
            case 'k':
                if (ParseJson(rest) is not JsonObject o)
                {
                    throw new FormatException($"key element is not a JSON object: {s}");
                }

                return KeyOf(o.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, JsonValues.ToFloats(p.Value))));
            case 'i':
                if (!int.TryParse(rest, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
                {
                    throw new FormatException($"invalid index: {s}");
                }

                return IndexOf(index);
            default:
                return null;
        }
    }

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    public int CompareTo(PathElement? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (Kind != other.Kind)
        {
            return Kind < other.Kind ? -1 : 1;
        }

        switch (Kind)
        {
            case PathElementKind.Field:
                return Math.Sign(JsonValues.CompareStrings(FieldName, other.FieldName));
            case PathElementKind.Key:
                for (var i = 0; ; i++)
                {
                    if (i >= Key!.Count && i >= other.Key!.Count)
                    {
                        return 0;
                    }

                    if (i >= Key.Count)
                    {
                        return -1;
                    }

                    if (i >= other.Key!.Count)
                    {
                        return 1;
                    }

                    var c = Math.Sign(JsonValues.CompareStrings(Key[i].Key, other.Key[i].Key));
                    if (c != 0)
                    {
                        return c;
                    }

                    c = JsonValues.Compare(Key[i].Value, other.Key[i].Value);
                    if (c != 0)
                    {
                        return c;
                    }
                }

            case PathElementKind.Value:
                return JsonValues.Compare(Value, other.Value);
            default:
                return Index.CompareTo(other.Index) switch { < 0 => -1, 0 => 0, _ => 1 };
        }
    }

    public bool Equals(PathElement? other)
    {
        if (other is null || Kind != other.Kind)
        {
            return false;
        }

        switch (Kind)
        {
            case PathElementKind.Field:
                return string.Equals(FieldName, other.FieldName, StringComparison.Ordinal);
            case PathElementKind.Key:
                if (Key!.Count != other.Key!.Count)
                {
                    return false;
                }

                for (var i = 0; i < Key.Count; i++)
                {
                    if (!string.Equals(Key[i].Key, other.Key[i].Key, StringComparison.Ordinal) || !JsonValues.Equal(Key[i].Value, other.Key[i].Value))
                    {
                        return false;
                    }
                }

                return true;
            case PathElementKind.Value:
                return JsonValues.Equal(Value, other.Value);
            default:
                return Index == other.Index;
        }
    }

    public override bool Equals(object? obj) => obj is PathElement other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Serialize());

    /// <summary>The form used in conflict messages: <c>.name</c>, <c>[name="x"]</c>, <c>[="x"]</c>, <c>[0]</c>.</summary>
    public override string ToString() => Kind switch
    {
        PathElementKind.Field => "." + FieldName,
        PathElementKind.Key => "[" + string.Join(",", Key!.Select(k => $"{k.Key}={JsonValues.SmdString(k.Value)}")) + "]",
        PathElementKind.Value => $"[={JsonValues.SmdString(Value)}]",
        _ => $"[{Index.ToString(CultureInfo.InvariantCulture)}]",
    };
}
