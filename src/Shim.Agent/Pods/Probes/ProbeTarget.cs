using System.Globalization;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Probes;

/// <summary>Where an httpGet/tcpSocket/grpc action connects: the host (default the pod IP) and a resolved port.</summary>
internal static class ProbeTarget
{
    /// <summary>
    /// A number, a name of one of the container's ports, or (like the kubelet's last resort) a number written as a
    /// string; null with <paramref name="error"/> when it resolves to nothing usable.
    /// </summary>
    public static int? ResolvePort(IntOrString? port, Container container, out string error)
    {
        error = "";
        int resolved;
        if (port is not { } value)
        {
            error = "port is not set";
            return null;
        }

        if (value.IsInt)
        {
            resolved = value.IntValue;
        }
        else
        {
            var name = value.StringValue;
            var named = container.Ports?.FirstOrDefault(p => p.Name == name);
            if (named?.ContainerPortValue is { } number)
            {
                resolved = number;
            }
            else if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out resolved))
            {
                error = $"port {name} not found in container {container.Name}";
                return null;
            }
        }

        if (resolved is <= 0 or > 65535)
        {
            error = $"invalid port number: {resolved}";
            return null;
        }

        return resolved;
    }

    /// <summary>host:port with IPv6 literals bracketed, as Go's net.JoinHostPort writes it.</summary>
    public static string JoinHostPort(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[')
            ? $"[{host}]:{port.ToString(CultureInfo.InvariantCulture)}"
            : $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The action's host, or the pod IP when the action leaves it empty.</summary>
    public static string HostOrPodIp(string? host, ProbeContext context) => string.IsNullOrEmpty(host) ? context.PodIp : host;
}
