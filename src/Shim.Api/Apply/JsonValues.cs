using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Api.Apply;

/// <summary>
/// Value semantics of structured-merge-diff over JSON nodes: kinds, ordering and equality (numbers compare
/// numerically, ints and floats alike), and the Go renderings of values (JSON as encoding/json writes it,
/// %v/%q as fmt prints it) that field sets and conflict messages are made of.
/// </summary>
internal static class JsonValues
{
    public static ValueKind Kind(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return ValueKind.Null;
            case JsonObject:
                return ValueKind.Map;
            case JsonArray:
                return ValueKind.List;
        }

        var value = (JsonValue)node;
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => ValueKind.String,
                JsonValueKind.True or JsonValueKind.False => ValueKind.Bool,
                JsonValueKind.Number => NumberKind(element.GetRawText()),
                JsonValueKind.Object => ValueKind.Map,
                JsonValueKind.Array => ValueKind.List,
                _ => ValueKind.Null,
            };
        }

        if (value.TryGetValue<string>(out _) || value.TryGetValue<char>(out _) || value.TryGetValue<Guid>(out _)
            || value.TryGetValue<DateTime>(out _) || value.TryGetValue<DateTimeOffset>(out _))
        {
            return ValueKind.String;
        }

        if (value.TryGetValue<bool>(out _))
        {
            return ValueKind.Bool;
        }

        if (value.TryGetValue<double>(out _) || value.TryGetValue<float>(out _) || value.TryGetValue<decimal>(out _))
        {
            return ValueKind.Float;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.Number => NumberKind(value.ToJsonString()),
            JsonValueKind.String => ValueKind.String,
            JsonValueKind.True or JsonValueKind.False => ValueKind.Bool,
            _ => ValueKind.Null,
        };
    }

    private static ValueKind NumberKind(string text) =>
        text.AsSpan().IndexOfAny('.', 'e', 'E') >= 0 || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? ValueKind.Float
            : ValueKind.Int;

    public static bool IsScalar(ValueKind kind) => kind is ValueKind.Bool or ValueKind.Int or ValueKind.Float or ValueKind.String;

    public static string AsString(JsonNode node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : JsonSerializer.Deserialize<string>(node.ToJsonString()) ?? "";

    public static bool AsBool(JsonNode node) => node.GetValueKind() == JsonValueKind.True;

    public static long AsLong(JsonNode node) =>
        long.Parse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public static double AsDouble(JsonNode node) =>
        double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    /// <summary>A detached copy whose numbers are all floats, as values decoded from FieldsV1 are upstream.</summary>
    public static JsonNode? ToFloats(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (k, v) in o)
                {
                    copy[k] = ToFloats(v);
                }

                return copy;
            case JsonArray a:
                var list = new JsonArray();
                foreach (var item in a)
                {
                    list.Add(ToFloats(item));
                }

                return list;
            case null:
                return null;
        }

        return Kind(node) is ValueKind.Int or ValueKind.Float ? JsonValue.Create(AsDouble(node)) : node.DeepClone();
    }

    /// <summary>Total order of values: numbers, strings, booleans, lists, maps, null.</summary>
    public static int Compare(JsonNode? lhs, JsonNode? rhs)
    {
        var lk = Kind(lhs);
        var rk = Kind(rhs);
        if (lk == ValueKind.Float || rk == ValueKind.Float)
        {
            if (lk is ValueKind.Float or ValueKind.Int && rk is ValueKind.Float or ValueKind.Int)
            {
                return AsDouble(lhs!).CompareTo(AsDouble(rhs!)) switch { < 0 => -1, 0 => 0, _ => 1 };
            }

            return lk == ValueKind.Float ? -1 : 1;
        }

        if (lk == ValueKind.Int || rk == ValueKind.Int)
        {
            if (lk != rk)
            {
                return lk == ValueKind.Int ? -1 : 1;
            }

            return AsLong(lhs!).CompareTo(AsLong(rhs!)) switch { < 0 => -1, 0 => 0, _ => 1 };
        }

        if (lk == ValueKind.String || rk == ValueKind.String)
        {
            if (lk != rk)
            {
                return lk == ValueKind.String ? -1 : 1;
            }

            return Math.Sign(CompareStrings(AsString(lhs!), AsString(rhs!)));
        }

        if (lk == ValueKind.Bool || rk == ValueKind.Bool)
        {
            if (lk != rk)
            {
                return lk == ValueKind.Bool ? -1 : 1;
            }

            var l = AsBool(lhs!);
            var r = AsBool(rhs!);
            return l == r ? 0 : l ? 1 : -1;
        }

        if (lk == ValueKind.List || rk == ValueKind.List)
        {
            if (lk != rk)
            {
                return lk == ValueKind.List ? -1 : 1;
            }

            var la = (JsonArray)lhs!;
            var ra = (JsonArray)rhs!;
            for (var i = 0; ; i++)
            {
                if (i >= la.Count && i >= ra.Count)
                {
                    return 0;
                }

                if (i >= la.Count)
                {
                    return -1;
                }

                if (i >= ra.Count)
                {
                    return 1;
                }

                var c = Compare(la[i], ra[i]);
                if (c != 0)
                {
                    return c;
                }
            }
        }

        if (lk == ValueKind.Map || rk == ValueKind.Map)
        {
            if (lk != rk)
            {
                return lk == ValueKind.Map ? -1 : 1;
            }

            return CompareMaps((JsonObject)lhs!, (JsonObject)rhs!);
        }

        return 0;
    }

    private static int CompareMaps(JsonObject lhs, JsonObject rhs)
    {
        if (lhs.Count == 0 && rhs.Count == 0)
        {
            return 0;
        }

        var keys = lhs.Select(p => p.Key).Union(rhs.Select(p => p.Key), StringComparer.Ordinal).ToList();
        keys.Sort(CompareStrings);
        var i = 0;
        foreach (var key in keys)
        {
            int c;
            var inL = lhs.TryGetPropertyValue(key, out var l);
            var inR = rhs.TryGetPropertyValue(key, out var r);
            if (i == lhs.Count)
            {
                c = -1;
            }
            else if (i == rhs.Count)
            {
                c = 1;
            }
            else if (!inL)
            {
                c = 1;
            }
            else if (!inR)
            {
                c = -1;
            }
            else
            {
                c = Compare(l, r);
            }

            i++;
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    /// <summary>Deep equality; numbers compare numerically, maps ignore key order, lists do not.</summary>
    public static bool Equal(JsonNode? lhs, JsonNode? rhs)
    {
        var lk = Kind(lhs);
        var rk = Kind(rhs);
        if (lk == ValueKind.Float || rk == ValueKind.Float)
        {
            return lk is ValueKind.Float or ValueKind.Int && rk is ValueKind.Float or ValueKind.Int && AsDouble(lhs!) == AsDouble(rhs!);
        }

        if (lk != rk)
        {
            return false;
        }

        switch (lk)
        {
            case ValueKind.Int:
                return AsLong(lhs!) == AsLong(rhs!);
            case ValueKind.String:
                return string.Equals(AsString(lhs!), AsString(rhs!), StringComparison.Ordinal);
            case ValueKind.Bool:
                return AsBool(lhs!) == AsBool(rhs!);
            case ValueKind.List:
                var la = (JsonArray)lhs!;
                var ra = (JsonArray)rhs!;
                if (la.Count != ra.Count)
                {
                    return false;
                }

                for (var i = 0; i < la.Count; i++)
                {
                    if (!Equal(la[i], ra[i]))
                    {
                        return false;
                    }
                }

                return true;
            case ValueKind.Map:
                var lo = (JsonObject)lhs!;
                var ro = (JsonObject)rhs!;
                if (lo.Count != ro.Count)
                {
                    return false;
                }

                foreach (var (key, value) in lo)
                {
                    if (!ro.TryGetPropertyValue(key, out var other) || !Equal(value, other))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    /// <summary>Go's string order (bytes of UTF-8), which is code point order.</summary>
    public static int CompareStrings(string? a, string? b)
    {
        a ??= "";
        b ??= "";
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x != y)
            {
                return Fix(x) - Fix(y);
            }
        }

        return a.Length - b.Length;

        // Surrogates (U+D800..DFFF) stand for code points above U+FFFF, so they sort after U+E000..FFFF.
        static int Fix(char c) => c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;
    }

    public static readonly Comparer<string> GoStringComparer = Comparer<string>.Create(CompareStrings);

    /// <summary>The value as encoding/json writes it: compact, map keys sorted, HTML-safe strings.</summary>
    public static string GoJson(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteGoJson(sb, node, htmlSafe: true);
        return sb.ToString();
    }

    public static void WriteGoJson(StringBuilder sb, JsonNode? node, bool htmlSafe)
    {
        switch (Kind(node))
        {
            case ValueKind.Null:
                sb.Append("null");
                return;
            case ValueKind.Bool:
                sb.Append(AsBool(node!) ? "true" : "false");
                return;
            case ValueKind.Int:
                sb.Append(AsLong(node!).ToString(CultureInfo.InvariantCulture));
                return;
            case ValueKind.Float:
                sb.Append(GoJsonFloat(AsDouble(node!)));
                return;
            case ValueKind.String:
                WriteGoString(sb, AsString(node!), htmlSafe);
                return;
            case ValueKind.List:
                sb.Append('[');
                var first = true;
                foreach (var item in (JsonArray)node!)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    WriteGoJson(sb, item, htmlSafe);
                }

                sb.Append(']');
                return;
            case ValueKind.Map:
                sb.Append('{');
                var keys = ((JsonObject)node!).Select(p => p.Key).ToList();
                keys.Sort(CompareStrings);
                for (var i = 0; i < keys.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    WriteGoString(sb, keys[i], htmlSafe);
                    sb.Append(':');
                    WriteGoJson(sb, node![keys[i]], htmlSafe);
                }

                sb.Append('}');
                return;
        }
    }

    /// <summary>A JSON string as Go writes it. htmlSafe: encoding/json (also escapes &lt; &gt; &amp; U+2028 U+2029).</summary>
    public static void WriteGoString(StringBuilder sb, string s, bool htmlSafe)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '<' or '>' or '&' when htmlSafe:
                case '\u2028' or '\u2029' when htmlSafe:
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsSurrogate(c))
                    {
                        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        {
                            sb.Append(c).Append(s[i + 1]);
                            i++;
                        }
                        else
                        {
                            sb.Append(htmlSafe ? "\\ufffd" : "\ufffd");
                        }
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>A float as encoding/json writes it: shortest digits, exponent only below 1e-6 or from 1e21.</summary>
    public static string GoJsonFloat(double d)
    {
        var abs = Math.Abs(d);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            var (digits, exp) = ShortestDigits(d);
            var e = FormatExponent(digits, exp, d < 0, minExpDigits: 2);
            // encoding/json shortens e-07 to e-7.
            var n = e.Length;
            if (n >= 4 && e[n - 4] == 'e' && e[n - 3] == '-' && e[n - 2] == '0')
            {
                e = e[..(n - 2)] + e[n - 1];
            }

            return e;
        }

        return FormatFixed(d);
    }

    /// <summary>fmt's %v of a float64 (%g with the shortest digits: exponent form below 1e-4 or from 1e6).</summary>
    public static string GoVerbFloat(double d)
    {
        if (d == 0)
        {
            return double.IsNegative(d) ? "-0" : "0";
        }

        var (digits, exp) = ShortestDigits(d);
        var x = exp - 1;
        return x < -4 || x >= 6 ? FormatExponent(digits, exp, d < 0, minExpDigits: 2) : FormatFixed(d);
    }

    private static string FormatFixed(double d)
    {
        if (d == 0)
        {
            return "0";
        }

        var (digits, exp) = ShortestDigits(d);
        var sb = new StringBuilder();
        if (d < 0)
        {
            sb.Append('-');
        }

        if (exp <= 0)
        {
            sb.Append("0.").Append('0', -exp).Append(digits);
        }
        else if (exp >= digits.Length)
        {
            sb.Append(digits).Append('0', exp - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, exp).Append('.').Append(digits, exp, digits.Length - exp);
        }

        return sb.ToString();
    }

    private static string FormatExponent(string digits, int exp, bool negative, int minExpDigits)
    {
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        sb.Append(digits[0]);
        if (digits.Length > 1)
        {
            sb.Append('.').Append(digits, 1, digits.Length - 1);
        }

        var x = exp - 1;
        sb.Append('e').Append(x < 0 ? '-' : '+');
        sb.Append(Math.Abs(x).ToString(CultureInfo.InvariantCulture).PadLeft(minExpDigits, '0'));
        return sb.ToString();
    }

    /// <summary>The shortest round-trip digits of |d| and the decimal point position (value = 0.digits × 10^exp).</summary>
    private static (string Digits, int Exp) ShortestDigits(double d)
    {
        var shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        // Parse the shortest representation into digits and exponent.
        var mantissa = shortest;
        var exponent = 0;
        var ePos = shortest.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            mantissa = shortest[..ePos];
            exponent = int.Parse(shortest[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        var all = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - all.Length;
        var point = intPart.Length - leadingZeros + exponent;
        all = all.TrimEnd('0');
        if (all.Length == 0)
        {
            return ("0", 1);
        }

        return (all, point);
    }

    /// <summary>Go's %q of a string (strconv.Quote).</summary>
    public static string GoQuote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var rune in s.EnumerateRunes())
        {
            var v = rune.Value;
            switch (v)
            {
                case '"':
                    sb.Append("\\\"");
                    continue;
                case '\\':
                    sb.Append("\\\\");
                    continue;
                case '\a':
                    sb.Append("\\a");
                    continue;
                case '\b':
                    sb.Append("\\b");
                    continue;
                case '\f':
                    sb.Append("\\f");
                    continue;
                case '\n':
                    sb.Append("\\n");
                    continue;
                case '\r':
                    sb.Append("\\r");
                    continue;
                case '\t':
                    sb.Append("\\t");
                    continue;
                case '\v':
                    sb.Append("\\v");
                    continue;
            }

            if (v < 0x20 || v == 0x7f)
            {
                sb.Append("\\x").Append(v.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (IsPrintable(rune))
            {
                sb.Append(rune.ToString());
            }
            else if (v < 0x10000)
            {
                sb.Append("\\u").Append(v.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\U").Append(v.ToString("x8", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append('"').ToString();

        static bool IsPrintable(Rune r)
        {
            if (r.Value == ' ')
            {
                return true;
            }

            var category = Rune.GetUnicodeCategory(r);
            return category switch
            {
                System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                    or System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.PrivateUse
                    or System.Globalization.UnicodeCategory.OtherNotAssigned or System.Globalization.UnicodeCategory.LineSeparator
                    or System.Globalization.UnicodeCategory.ParagraphSeparator or System.Globalization.UnicodeCategory.SpaceSeparator => false,
                _ => true,
            };
        }
    }

    /// <summary>structured-merge-diff's rendering of a value in a path: strings quoted, numbers as %v.</summary>
    public static string SmdString(JsonNode? node)
    {
        switch (Kind(node))
        {
            case ValueKind.Null:
                return "null";
            case ValueKind.Float:
                return GoVerbFloat(AsDouble(node!));
            case ValueKind.Int:
                return AsLong(node!).ToString(CultureInfo.InvariantCulture);
            case ValueKind.String:
                return GoQuote(AsString(node!));
            case ValueKind.Bool:
                return AsBool(node!) ? "true" : "false";
            case ValueKind.List:
                return "[" + string.Join(",", ((JsonArray)node!).Select(SmdString)) + "]";
            default:
                var o = (JsonObject)node!;
                var keys = o.Select(p => p.Key).ToList();
                keys.Sort(CompareStrings);
                return string.Concat(keys.Select(k => $"{k}={SmdString(o[k])}"));
        }
    }
}
