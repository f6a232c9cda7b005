using System.Globalization;
using Shim.Model.Core.V1;

namespace Shim.Client.Matching;

/// <summary>Node selector terms as upstream's nodeaffinity helpers evaluate them.</summary>
public static class NodeSelectorMatching
{
    /// <summary>Terms are ORed; an empty list matches nothing.</summary>
    public static bool MatchesAnyTerm(IEnumerable<NodeSelectorTerm>? terms, string nodeName, IReadOnlyDictionary<string, string> nodeLabels)
    {
        foreach (var term in terms ?? [])
        {
            if (MatchesTerm(term, nodeName, nodeLabels))
                return true;
        }
        return false;
    }

    /// <summary>Requirements within a term are ANDed; a term with no requirements matches nothing.</summary>
    public static bool MatchesTerm(NodeSelectorTerm? term, string nodeName, IReadOnlyDictionary<string, string> nodeLabels)
    {
        if (term is null)
            return false;
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0)
            return false;
        foreach (var expression in expressions)
        {
            if (!MatchesLabelRequirement(expression, nodeLabels))
                return false;
        }
        foreach (var field in fields)
        {
            if (!MatchesFieldRequirement(field, nodeName))
                return false;
        }
        return true;
    }

    private static bool MatchesLabelRequirement(NodeSelectorRequirement requirement, IReadOnlyDictionary<string, string> labels)
    {
        var key = requirement.Key ?? "";
        var values = requirement.Values ?? [];
        var present = labels.TryGetValue(key, out var value);
        switch (requirement.Operator)
        {
            case "In":
                return present && values.Contains(value!, StringComparer.Ordinal);
            case "NotIn":
                return !present || !values.Contains(value!, StringComparer.Ordinal);
            case "Exists":
                return present;
            case "DoesNotExist":
                return !present;
            case "Gt":
            case "Lt":
                // Both sides must be integers; anything else (or a missing label) does not match.
                if (!present || values.Count != 1
                    || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual)
                    || !long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound))
                    return false;
                return requirement.Operator == "Gt" ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    private static bool MatchesFieldRequirement(NodeSelectorRequirement requirement, string nodeName)
    {
        // metadata.name is the only node field upstream supports in matchFields.
        if (requirement.Key != "metadata.name")
            return false;
        var values = requirement.Values ?? [];
        return requirement.Operator switch
        {
            "In" => values.Contains(nodeName, StringComparer.Ordinal),
            "NotIn" => !values.Contains(nodeName, StringComparer.Ordinal),
            _ => false,
        };
    }
}
