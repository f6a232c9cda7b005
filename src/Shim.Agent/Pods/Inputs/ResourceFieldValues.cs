using System.Globalization;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Inputs;

/// <summary>The downward API's resourceFieldRef: a container's requests or limits scaled by a divisor.</summary>
internal static class ResourceFieldValues
{
    /// <summary>Limits that fall back to node allocatable when unset or zero, as the kubelet defaults them.</summary>
    private static readonly string[] DefaultedLimits = ["cpu", "memory", "ephemeral-storage"];

    /// <summary>
    /// The selector's value for <paramref name="selector"/>.ContainerName, or for <paramref name="defaultContainer"/>
    /// when the selector names none (env vars). Throws <see cref="PodInputException"/> with <paramref name="reason"/>.
    /// </summary>
    public static string Value(
        ResourceFieldSelector selector,
        Pod pod,
        Container? defaultContainer,
        IReadOnlyDictionary<string, Quantity>? nodeAllocatable,
        string reason)
    {
        var container = string.IsNullOrEmpty(selector.ContainerName)
            ? defaultContainer
            : FindContainer(pod, selector.ContainerName);
        if (container is null)
        {
            throw new PodInputException(reason, $"container {selector.ContainerName} not found");
        }

        var divisor = 1m;
        if (selector.Divisor is { } divisorText && ResourceQuantity.TryParse(divisorText.Value, out var parsedDivisor) && parsedDivisor != 0)
        {
            divisor = parsedDivisor;
        }

        var resource = selector.Resource ?? "";
        var dot = resource.IndexOf('.', StringComparison.Ordinal);
        var kind = dot < 0 ? "" : resource[..dot];
        var name = dot < 0 ? "" : resource[(dot + 1)..];
        var supported = kind is "limits" or "requests" && (name is "cpu" or "memory" or "ephemeral-storage" || name.StartsWith("hugepages-", StringComparison.Ordinal));
        if (!supported)
        {
            throw new PodInputException(reason, $"unsupported container resource : {resource}");
        }

        var amount = Amount(container, kind, name, nodeAllocatable);
        // cpu is compared in millicores and rounded up (so 250m with the default divisor 1 is "1"); the others in units.
        var scaled = name == "cpu"
            ? decimal.Ceiling(decimal.Ceiling(amount * 1000) / decimal.Ceiling(divisor * 1000))
            : decimal.Ceiling(decimal.Ceiling(amount) / decimal.Ceiling(divisor));
        return scaled.ToString("0", CultureInfo.InvariantCulture);
    }

    private static decimal Amount(Container container, string kind, string name, IReadOnlyDictionary<string, Quantity>? nodeAllocatable)
    {
        var list = kind == "limits" ? container.Resources?.Limits : container.Resources?.Requests;
        var amount = list is not null && list.TryGetValue(name, out var quantity) && ResourceQuantity.TryParse(quantity.Value, out var value) ? value : 0m;
        if (amount == 0 && kind == "limits" && DefaultedLimits.Contains(name) && nodeAllocatable is not null &&
            nodeAllocatable.TryGetValue(name, out var allocatable) && ResourceQuantity.TryParse(allocatable.Value, out var allocatableValue))
        {
            amount = allocatableValue;
        }

        return amount;
    }

    private static Container? FindContainer(Pod pod, string name) =>
        (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []).FirstOrDefault(c => c.Name == name);
}
