using Shim.Client.Matching;
using Shim.Model.Meta.V1;

namespace Shim.Controllers.Autoscaling;

/// <summary>
/// A label selector in its string form (a Scale's status.selector): "a=b,c!=d,e in (f,g),h notin (i),j,!k".
/// </summary>
public static class SelectorText
{
    public static LabelSelection Parse(string text)
    {
        var requirements = new List<LabelRequirement>();
        foreach (var part in Split(text))
        {
            var term = part.Trim();
            if (term.Length == 0)
            {
                throw new FormatException("found '', expected: !, identifier, or 'end of string'");
            }

            requirements.Add(Requirement(term));
        }

        return LabelSelection.From(new LabelSelector(), requirements);
    }

    private static LabelRequirement Requirement(string term)
    {
        if (term.StartsWith('!'))
        {
            return new LabelRequirement(Key(term[1..]), "DoesNotExist", []);
        }

        var inAt = term.IndexOf(" in ", StringComparison.Ordinal);
        var notInAt = term.IndexOf(" notin ", StringComparison.Ordinal);
        if (notInAt > 0)
        {
            return new LabelRequirement(Key(term[..notInAt]), "NotIn", Values(term[(notInAt + 7)..]));
        }

        if (inAt > 0)
        {
            return new LabelRequirement(Key(term[..inAt]), "In", Values(term[(inAt + 4)..]));
        }

        foreach (var (op, kind) in new[] { ("!=", "NotIn"), ("==", "In"), ("=", "In") })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                return new LabelRequirement(Key(term[..at]), kind, [term[(at + op.Length)..].Trim()]);
            }
        }

        return new LabelRequirement(Key(term), "Exists", []);
    }

    private static string Key(string text)
    {
        var key = text.Trim();
        return key.Length == 0 || key.Any(char.IsWhiteSpace) ? throw new FormatException($"invalid label key \"{key}\"") : key;
    }

    private static List<string> Values(string text)
    {
        var set = text.Trim();
        if (!set.StartsWith('(') || !set.EndsWith(')'))
        {
            throw new FormatException($"found '{set}', expected: '('");
        }

        return set[1..^1].Split(',').Select(v => v.Trim()).ToList();
    }

    /// <summary>Splits at commas outside parentheses.</summary>
    private static IEnumerable<string> Split(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        if (text.Length > 0)
        {
            yield return text[start..];
        }
    }
}
