using System.Globalization;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Inputs;

/// <summary>
/// The docker-link style variables the kubelet gives every container for the services it may reach
/// (FOO_SERVICE_HOST, FOO_SERVICE_PORT, FOO_PORT_80_TCP_ADDR, ...).
/// </summary>
public static class ServiceEnvironment
{
    private const string MasterNamespace = "default";
    private const string MasterService = "kubernetes";

    /// <summary>
    /// The variables for <paramref name="pod"/>: the services of its namespace when enableServiceLinks is on (the
    /// default), and always the API server's <c>default/kubernetes</c> service unless the namespace has its own
    /// service of that name. Services without a cluster IP (headless, ExternalName) give none.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> For(Pod pod, IEnumerable<Service> services)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(services);
        var @namespace = pod.Metadata?.Namespace ?? "";
        var links = pod.Spec?.EnableServiceLinks != false;
        var chosen = new Dictionary<string, Service>(StringComparer.Ordinal);
        foreach (var service in services.Where(HasClusterIp))
        {
            var name = service.Metadata?.Name ?? "";
            var ns = service.Metadata?.Namespace ?? "";
            if (ns == MasterNamespace && name == MasterService)
            {
                chosen.TryAdd(name, service);
            }
            else if (ns == @namespace && links)
            {
                chosen[name] = service;
            }
        }

        return [.. chosen.OrderBy(pair => pair.Key, StringComparer.Ordinal).SelectMany(pair => Variables(pair.Value))];
    }

    private static bool HasClusterIp(Service service) => service.Spec?.ClusterIP is { Length: > 0 } ip && ip != "None";

    private static IEnumerable<KeyValuePair<string, string>> Variables(Service service)
    {
        var prefix = Upper(service.Metadata?.Name ?? "");
        var ip = service.Spec!.ClusterIP!;
        var ports = service.Spec.Ports ?? [];
        yield return new($"{prefix}_SERVICE_HOST", ip);
        if (ports.Count == 0)
        {
            yield break;
        }

        yield return new($"{prefix}_SERVICE_PORT", Number(ports[0].Port));
        foreach (var port in ports.Where(p => !string.IsNullOrEmpty(p.Name)))
        {
            yield return new($"{prefix}_SERVICE_PORT_{Upper(port.Name!)}", Number(port.Port));
        }

        yield return new($"{prefix}_PORT", Url(ports[0], ip));
        foreach (var port in ports)
        {
            var protocol = port.Protocol is { Length: > 0 } p ? p : "TCP";
            var name = $"{prefix}_PORT_{Number(port.Port)}_{protocol.ToUpperInvariant()}";
            yield return new(name, Url(port, ip));
            yield return new($"{name}_PROTO", protocol.ToLowerInvariant());
            yield return new($"{name}_PORT", Number(port.Port));
            yield return new($"{name}_ADDR", ip);
        }
    }

    private static string Url(ServicePort port, string ip) =>
        $"{(port.Protocol is { Length: > 0 } p ? p : "TCP").ToLowerInvariant()}://{ip}:{Number(port.Port)}";

    private static string Number(int? value) => (value ?? 0).ToString(CultureInfo.InvariantCulture);

    private static string Upper(string name) => name.ToUpperInvariant().Replace('-', '_');
}
