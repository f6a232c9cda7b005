using System.Text;
using System.Text.Json.Nodes;
using Shim.Api.Errors;
using Shim.Api.Json;

namespace Shim.Api.Selectors;

/// <summary>
/// A parsed label selector: requirements ANDed together. The string grammar is upstream's
/// (<c>a=b,c!=d,e in (f,g),h notin (i),j,!k,l&gt;1</c>); an empty selector matches everything.
/// </summary>
public sealed class LabelSelector
{
    public static readonly LabelSelector Everything = new([]);

    public LabelSelector(IReadOnlyList<LabelRequirement> requirements) => Requirements = requirements;

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in Requirements)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => string.Join(",", Requirements);

    /// <summary>Parses the query-string form; throws a 400 ApiException on bad syntax.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<LabelRequirement>();
        var pos = 0;
        while (true)
        {
            requirements.Add(ParseRequirement(text, ref pos));
            SkipSpaces(text, ref pos);
            if (pos >= text.Length)
            {
                break;
            }

            if (text[pos] != ',')
            {
                throw Error($"found '{text[pos]}', expected: ',' or 'end of string'");
            }

            pos++;
        }

        return new LabelSelector(requirements);
    }

    /// <summary>A metav1.LabelSelector object (matchLabels + matchExpressions) as a selector; null object selects nothing.</summary>
    public static LabelSelector? FromObject(JsonObject? selector)
    {
        if (selector is null)
        {
            return null;
        }

        var requirements = new List<LabelRequirement>();
        if (selector["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var (key, value) in matchLabels.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                requirements.Add(new LabelRequirement(key, LabelOperator.Equals, [value.Str() ?? ""]));
            }
        }

        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var e in expressions.OfType<JsonObject>())
            {
                var key = e.Str("key") ?? "";
                var values = (e["values"] as JsonArray)?.Select(v => v.Str() ?? "").Order(StringComparer.Ordinal).ToList() ?? [];
                var op = e.Str("operator") switch
                {
                    "In" => LabelOperator.In,
                    "NotIn" => LabelOperator.NotIn,
                    "Exists" => LabelOperator.Exists,
                    "DoesNotExist" => LabelOperator.DoesNotExist,
                    var other => throw ApiException.BadRequest($"\"{other}\" is not a valid label selector operator"),
                };
                requirements.Add(new LabelRequirement(key, op, values));
            }
        }

        return new LabelSelector(requirements);
    }

    /// <summary>A plain map selector (services, replication controllers).</summary>
    public static LabelSelector FromMap(JsonObject? map) =>
        new(map?.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new LabelRequirement(p.Key, LabelOperator.Equals, [p.Value.Str() ?? ""])).ToList() ?? []);

    private static LabelRequirement ParseRequirement(string text, ref int pos)
    {
        SkipSpaces(text, ref pos);
        var negated = false;
        if (pos < text.Length && text[pos] == '!')
        {
            negated = true;
            pos++;
            SkipSpaces(text, ref pos);
        }

        var key = ReadIdentifier(text, ref pos);
        if (key.Length == 0)
        {
            throw Error(pos < text.Length ? $"found '{text[pos]}', expected: !, identifier, or 'end of string'" : "found '', expected: identifier");
        }

        ValidateKey(key);
        SkipSpaces(text, ref pos);
        if (negated)
        {
            return new LabelRequirement(key, LabelOperator.DoesNotExist, []);
        }

        if (pos >= text.Length || text[pos] == ',')
        {
            return new LabelRequirement(key, LabelOperator.Exists, []);
        }

        LabelOperator op;
        if (Match(text, ref pos, "=="))
        {
            op = LabelOperator.Equals;
        }
        else if (Match(text, ref pos, "!="))
        {
            op = LabelOperator.NotEquals;
        }
        else if (Match(text, ref pos, "="))
        {
            op = LabelOperator.Equals;
        }
        else if (Match(text, ref pos, ">"))
        {
            op = LabelOperator.GreaterThan;
        }
        else if (Match(text, ref pos, "<"))
        {
            op = LabelOperator.LessThan;
        }
        else if (MatchWord(text, ref pos, "notin"))
        {
            op = LabelOperator.NotIn;
        }
        else if (MatchWord(text, ref pos, "in"))
        {
            op = LabelOperator.In;
        }
        else
        {
            var found = ReadIdentifier(text, ref pos);
            throw Error($"found '{found}', expected: in, notin, =, ==, !=, gt, lt");
        }

        SkipSpaces(text, ref pos);
        if (op is LabelOperator.In or LabelOperator.NotIn)
        {
            if (pos >= text.Length || text[pos] != '(')
            {
                throw Error("found '" + (pos < text.Length ? text[pos].ToString() : "") + "', expected: '('");
            }

            pos++;
            var values = new List<string>();
            while (true)
            {
                SkipSpaces(text, ref pos);
                var value = ReadIdentifier(text, ref pos);
                ValidateValue(value);
                values.Add(value);
                SkipSpaces(text, ref pos);
                if (pos < text.Length && text[pos] == ',')
                {
                    pos++;
                    continue;
                }

                if (pos < text.Length && text[pos] == ')')
                {
                    pos++;
                    break;
                }

                throw Error("found '" + (pos < text.Length ? text[pos].ToString() : "") + "', expected: ',', ')' or identifier");
            }

            return new LabelRequirement(key, op, values.Order(StringComparer.Ordinal).ToList());
        }

        var single = ReadIdentifier(text, ref pos);
        if (op is LabelOperator.GreaterThan or LabelOperator.LessThan)
        {
            if (!long.TryParse(single, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                throw Error($"for 'Gt', 'Lt' operators, the value must be an integer");
            }
        }
        else
        {
            ValidateValue(single);
        }

        return new LabelRequirement(key, op, [single]);
    }

    private static string ReadIdentifier(string text, ref int pos)
    {
        var sb = new StringBuilder();
        while (pos < text.Length && !IsSpecial(text[pos]) && !char.IsWhiteSpace(text[pos]))
        {
            sb.Append(text[pos++]);
        }

        return sb.ToString();
    }

    private static bool IsSpecial(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';

    private static bool Match(string text, ref int pos, string token)
    {
        if (string.CompareOrdinal(text, pos, token, 0, token.Length) == 0)
        {
            pos += token.Length;
            return true;
        }

        return false;
    }

    private static bool MatchWord(string text, ref int pos, string word)
    {
        var start = pos;
        var found = ReadIdentifier(text, ref pos);
        if (found == word)
        {
            return true;
        }

        pos = start;
        return false;
    }

    private static void SkipSpaces(string text, ref int pos)
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
        {
            pos++;
        }
    }

    private static void ValidateKey(string key)
    {
        var problems = Validation.NameRules.QualifiedNameProblems(key);
        if (problems.Count > 0)
        {
            throw Error($"invalid label key \"{key}\": {string.Join("; ", problems)}");
        }
    }

    private static void ValidateValue(string value)
    {
        var problems = Validation.NameRules.LabelValueProblems(value);
        if (problems.Count > 0)
        {
            throw Error($"invalid label value: \"{value}\": at key: {string.Join("; ", problems)}");
        }
    }

    private static ApiException Error(string detail) => ApiException.BadRequest($"unable to parse requirement: {detail}");
}
