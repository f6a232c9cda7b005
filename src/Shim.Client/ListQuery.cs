namespace Shim.Client;

/// <summary>Selectors of a list or watch.</summary>
public sealed record ListQuery(string? LabelSelector = null, string? FieldSelector = null)
{
    public static ListQuery All { get; } = new();

    public string ToQueryString(params (string Key, string? Value)[] extra)
    {
        var parts = new List<string>();
        foreach (var (key, value) in new[] { ("labelSelector", LabelSelector), ("fieldSelector", FieldSelector) }.Concat(extra))
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }

        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
