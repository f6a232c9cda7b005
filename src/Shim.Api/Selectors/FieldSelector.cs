using System.Text;
using Shim.Api.Errors;

namespace Shim.Api.Selectors;

/// <summary>A parsed field selector: comma-separated <c>field=value</c>, <c>field==value</c>, <c>field!=value</c> terms, ANDed.</summary>
public sealed class FieldSelector
{
    public static readonly FieldSelector Everything = new([]);

    public FieldSelector(IReadOnlyList<FieldRequirement> requirements) => Requirements = requirements;

    public IReadOnlyList<FieldRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    /// <summary>The value a term requires for <paramref name="field"/> with '=', if any (used to narrow lookups by name).</summary>
    public string? RequiredValue(string field) => Requirements.FirstOrDefault(r => r.Equal && r.Field == field)?.Value;

    public bool Matches(Func<string, string?> fieldValue)
    {
        foreach (var r in Requirements)
        {
            var actual = fieldValue(r.Field) ?? "";
            if ((actual == r.Value) != r.Equal)
            {
                return false;
            }
        }

        return true;
    }

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Everything;
        }

        var requirements = new List<FieldRequirement>();
        foreach (var term in SplitUnescaped(text, ','))
        {
            if (term.Length == 0)
            {
                continue;
            }

            var (field, equal, value) = SplitTerm(term);
            requirements.Add(new FieldRequirement(field, equal, Unescape(value)));
        }

        return new FieldSelector(requirements);
    }

    private static (string Field, bool Equal, string Value) SplitTerm(string term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (term[i] == '\\')
            {
                i++;
                continue;
            }

            if (term[i] == '!' && i + 1 < term.Length && term[i + 1] == '=')
            {
                return (term[..i], false, term[(i + 2)..]);
            }

            if (term[i] == '=')
            {
                var skip = i + 1 < term.Length && term[i + 1] == '=' ? 2 : 1;
                return (term[..i], true, term[(i + skip)..]);
            }
        }

        throw ApiException.BadRequest($"invalid selector: '{term}'; can't understand '{term}'");
    }

    private static List<string> SplitUnescaped(string text, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                current.Append(text[i]).Append(text[i + 1]);
                i++;
            }
            else if (text[i] == separator)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(text[i]);
            }
        }

        parts.Add(current.ToString());
        return parts;
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\'))
        {
            return value;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[i + 1];
                if (next is not ('\\' or ',' or '='))
                {
                    throw ApiException.BadRequest($"invalid field selector: invalid escape sequence: \\{next}");
                }

                sb.Append(next);
                i++;
            }
            else
            {
                sb.Append(value[i]);
            }
        }

        return sb.ToString();
    }
}
