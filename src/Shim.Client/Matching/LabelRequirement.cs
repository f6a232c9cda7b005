namespace Shim.Client.Matching;

/// <summary>One requirement of a label selector: In, NotIn, Exists or DoesNotExist on one key.</summary>
public sealed record LabelRequirement(string Key, string Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            "In" => present && Values.Contains(value!, StringComparer.Ordinal),
            "NotIn" => !present || !Values.Contains(value!, StringComparer.Ordinal),
            "Exists" => present,
            "DoesNotExist" => !present,
            _ => false,
        };
    }
}
