using System.Text;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Inputs;

/// <summary>The files a configMap, secret or downwardAPI volume (or projection) holds, keyed by relative path.</summary>
internal static class VolumePayloads
{
    private const string FailedMount = "FailedMount";

    /// <summary>Every key (data and binaryData) without items, else the listed keys at their paths.</summary>
    public static Dictionary<string, FileProjection> ConfigMap(ConfigMap? configMap, List<KeyToPath>? items, int defaultMode, bool optional)
    {
        var payload = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        if (configMap is null)
        {
            return payload;
        }

        var data = configMap.Data ?? [];
        var binaryData = configMap.BinaryData ?? [];
        if (items is not { Count: > 0 })
        {
            foreach (var (key, value) in data)
            {
                payload[key] = new FileProjection(Encoding.UTF8.GetBytes(value), defaultMode);
            }

            foreach (var (key, value) in binaryData)
            {
                payload[key] = new FileProjection(value, defaultMode);
            }

            return payload;
        }

        foreach (var item in items)
        {
            var key = item.Key ?? "";
            byte[] content;
            if (data.TryGetValue(key, out var text))
            {
                content = Encoding.UTF8.GetBytes(text);
            }
            else if (binaryData.TryGetValue(key, out var bytes))
            {
                content = bytes;
            }
            else if (optional)
            {
                continue;
            }
            else
            {
                throw new PodInputException(FailedMount, $"configmap references non-existent config key: {key}");
            }

            payload[item.Path ?? key] = new FileProjection(content, item.Mode ?? defaultMode);
        }

        return payload;
    }

    /// <summary>Every key without items, else the listed keys at their paths.</summary>
    public static Dictionary<string, FileProjection> Secret(Secret? secret, List<KeyToPath>? items, int defaultMode, bool optional)
    {
        var payload = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        if (secret is null)
        {
            return payload;
        }

        var data = secret.Data ?? [];
        if (items is not { Count: > 0 })
        {
            foreach (var (key, value) in data)
            {
                payload[key] = new FileProjection(value, defaultMode);
            }

            return payload;
        }

        foreach (var item in items)
        {
            var key = item.Key ?? "";
            if (data.TryGetValue(key, out var content))
            {
                payload[item.Path ?? key] = new FileProjection(content, item.Mode ?? defaultMode);
            }
            else if (!optional)
            {
                throw new PodInputException(FailedMount, $"references non-existent secret key: {key}");
            }
        }

        return payload;
    }

    /// <summary>One file per item: a pod field or a container resource, rendered as the env var would be.</summary>
    public static Dictionary<string, FileProjection> DownwardApi(Pod pod, List<DownwardAPIVolumeFile>? items, int defaultMode, IReadOnlyDictionary<string, Quantity>? nodeAllocatable)
    {
        var payload = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            string value;
            if (item.FieldRef is { } fieldRef)
            {
                value = PodFields.Value(pod, fieldRef.FieldPath, FailedMount);
            }
            else if (item.ResourceFieldRef is { } resourceFieldRef)
            {
                value = ResourceFieldValues.Value(resourceFieldRef, pod, defaultContainer: null, nodeAllocatable, FailedMount);
            }
            else
            {
                continue;
            }

            payload[item.Path ?? ""] = new FileProjection(Encoding.UTF8.GetBytes(value), item.Mode ?? defaultMode);
        }

        return payload;
    }
}
