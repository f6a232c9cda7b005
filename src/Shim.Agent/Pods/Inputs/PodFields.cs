using System.Globalization;
using System.Text;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Inputs;

/// <summary>The pod fields the downward API exposes (fieldRef), with the kubelet's rendering of each.</summary>
internal static class PodFields
{
    /// <summary>
    /// The value of <paramref name="fieldPath"/> for the pod. Status fields come from the pod's status, which the
    /// runtime fills (pod and host IPs) before preparing containers. Throws <see cref="PodInputException"/> with
    /// <paramref name="reason"/> for a path the downward API does not offer.
    /// </summary>
    public static string Value(Pod pod, string? fieldPath, string reason)
    {
        var metadata = pod.Metadata;
        if (SplitSubscript(fieldPath) is var (path, key))
        {
            return path switch
            {
                "metadata.labels" => metadata?.Labels?.GetValueOrDefault(key) ?? "",
                "metadata.annotations" => metadata?.Annotations?.GetValueOrDefault(key) ?? "",
                _ => throw new PodInputException(reason, $"fieldPath \"{fieldPath}\" does not support subscript"),
            };
        }

        return fieldPath switch
        {
            "metadata.name" => metadata?.Name ?? "",
            "metadata.namespace" => metadata?.Namespace ?? "",
            "metadata.uid" => metadata?.Uid ?? "",
            "metadata.labels" => FormatMap(metadata?.Labels),
            "metadata.annotations" => FormatMap(metadata?.Annotations),
            "spec.nodeName" => pod.Spec?.NodeName ?? "",
            "spec.serviceAccountName" => pod.Spec?.ServiceAccountName ?? "",
            "status.hostIP" => HostIps(pod).FirstOrDefault() ?? "",
            "status.hostIPs" => string.Join(',', HostIps(pod)),
            "status.podIP" => PodIps(pod).FirstOrDefault() ?? "",
            "status.podIPs" => string.Join(',', PodIps(pod)),
            _ => throw new PodInputException(reason, $"unsupported fieldPath: {fieldPath}"),
        };
    }

    private static IEnumerable<string> HostIps(Pod pod) =>
        pod.Status?.HostIPs is { Count: > 0 } ips
            ? ips.Select(ip => ip.Ip).OfType<string>()
            : pod.Status?.HostIP is { Length: > 0 } ip ? [ip] : [];

    private static IEnumerable<string> PodIps(Pod pod) =>
        pod.Status?.PodIPs is { Count: > 0 } ips
            ? ips.Select(ip => ip.Ip).OfType<string>()
            : pod.Status?.PodIP is { Length: > 0 } ip ? [ip] : [];

    /// <summary>"metadata.labels['app']" → ("metadata.labels", "app").</summary>
    private static (string Path, string Key)? SplitSubscript(string? fieldPath)
    {
        if (fieldPath is null || !fieldPath.EndsWith("']", StringComparison.Ordinal))
        {
            return null;
        }

        var open = fieldPath.IndexOf("['", StringComparison.Ordinal);
        if (open <= 0)
        {
            return null;
        }

        return (fieldPath[..open], fieldPath[(open + 2)..^2]);
    }

    /// <summary>All labels or annotations as the kubelet writes them: sorted <c>key="value"</c> lines (Go %q quoting).</summary>
    private static string FormatMap(Dictionary<string, string>? map)
    {
        if (map is null)
        {
            return "";
        }

        var lines = map.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Key + "=" + GoQuote(pair.Value));
        return string.Join('\n', lines);
    }

    private static string GoQuote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case '\a': quoted.Append("\\a"); break;
                case '\b': quoted.Append("\\b"); break;
                case '\f': quoted.Append("\\f"); break;
                case '\v': quoted.Append("\\v"); break;
                default:
                    if (Rune.IsControl(rune))
                    {
                        quoted.Append(rune.Value < 0x80 ? "\\x" + rune.Value.ToString("x2", CultureInfo.InvariantCulture) : "\\u" + rune.Value.ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        quoted.Append(rune.ToString());
                    }

                    break;
            }
        }

        return quoted.Append('"').ToString();
    }
}
