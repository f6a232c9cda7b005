namespace Shim.Client.Matching;

/// <summary>Shared empty label set, so absent labels need no null checks.</summary>
public static class Labels
{
    public static IReadOnlyDictionary<string, string> Empty { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, string> Of(Dictionary<string, string>? labels) => labels ?? Empty;
}
