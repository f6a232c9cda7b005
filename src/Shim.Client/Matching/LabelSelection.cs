using Shim.Model.Meta.V1;

namespace Shim.Client.Matching;

/// <summary>
/// A metav1.LabelSelector ready to match. As upstream's LabelSelectorAsSelector: a null selector selects nothing,
/// an empty one ({}) selects everything.
/// </summary>
public sealed class LabelSelection
{
    private readonly IReadOnlyList<LabelRequirement>? _requirements;

    private LabelSelection(IReadOnlyList<LabelRequirement>? requirements) => _requirements = requirements;

    public static LabelSelection Nothing { get; } = new(null);

    public static LabelSelection Everything { get; } = new([]);

    public bool SelectsNothing => _requirements is null;

    /// <param name="selector">The selector as written in the object.</param>
    /// <param name="extra">Requirements merged in (e.g. from matchLabelKeys / mismatchLabelKeys).</param>
    public static LabelSelection From(LabelSelector? selector, IEnumerable<LabelRequirement>? extra = null)
    {
        if (selector is null)
            return Nothing;
        var requirements = new List<LabelRequirement>();
        foreach (var (key, value) in selector.MatchLabels ?? [])
            requirements.Add(new LabelRequirement(key, "In", [value]));
        foreach (var expression in selector.MatchExpressions ?? [])
            requirements.Add(new LabelRequirement(expression.Key ?? "", expression.Operator ?? "", expression.Values ?? []));
        if (extra is not null)
            requirements.AddRange(extra);
        return new LabelSelection(requirements);
    }

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        if (_requirements is null)
            return false;
        labels ??= Labels.Empty;
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
                return false;
        }
        return true;
    }
}
