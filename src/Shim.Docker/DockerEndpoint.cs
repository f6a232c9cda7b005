using System.Globalization;

namespace Shim.Docker;

/// <summary>
/// Where dockerd listens: <c>unix:///path/docker.sock</c> (<see cref="SocketPath"/> set) or <c>tcp://host:port</c>
/// (<see cref="Host"/> and <see cref="Port"/> set).
/// </summary>
public sealed record DockerEndpoint
{
    public const string DefaultUnixEndpoint = "unix:///var/run/docker.sock";

    // dockerd's conventional ports: 2375 plain, 2376 TLS.
    private const int DefaultPlainPort = 2375;
    private const int DefaultTlsPort = 2376;

    private DockerEndpoint(string original, string? socketPath, string? host, int port)
    {
        Original = original;
        SocketPath = socketPath;
        Host = host;
        Port = port;
    }

    /// <summary>The endpoint as given.</summary>
    public string Original { get; }

    /// <summary>The unix socket path, or null for tcp.</summary>
    public string? SocketPath { get; }

    /// <summary>The tcp host, or null for unix.</summary>
    public string? Host { get; }

    /// <summary>The tcp port (0 for unix).</summary>
    public int Port { get; }

    public bool IsUnix => SocketPath is not null;

    /// <summary>Parses unix:///path or tcp://host[:port]; a missing port means 2376 with TLS and 2375 without.</summary>
    public static DockerEndpoint Parse(string endpoint, bool tls = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        const string unixScheme = "unix://";
        const string tcpScheme = "tcp://";
        if (endpoint.StartsWith(unixScheme, StringComparison.OrdinalIgnoreCase))
        {
            var path = endpoint[unixScheme.Length..];
            if (!path.StartsWith('/'))
            {
                throw new ArgumentException($"a unix endpoint needs an absolute socket path: {endpoint}", nameof(endpoint));
            }

            return new DockerEndpoint(endpoint, path, null, 0);
        }

        if (endpoint.StartsWith(tcpScheme, StringComparison.OrdinalIgnoreCase))
        {
            var authority = endpoint[tcpScheme.Length..].TrimEnd('/');
            var (host, port) = SplitHostPort(authority, tls ? DefaultTlsPort : DefaultPlainPort, endpoint);
            return new DockerEndpoint(endpoint, null, host, port);
        }

        throw new ArgumentException($"unsupported Docker endpoint (expected unix:///path or tcp://host:port): {endpoint}", nameof(endpoint));
    }

    public override string ToString() => Original;

    private static (string Host, int Port) SplitHostPort(string authority, int defaultPort, string endpoint)
    {
        if (authority.Length == 0 || authority.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"a tcp endpoint is tcp://host:port: {endpoint}", nameof(endpoint));
        }

        string host;
        string? portText = null;
        if (authority.StartsWith('['))
        {
            // IPv6 literal: [::1]:2375
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new ArgumentException($"unterminated IPv6 address in {endpoint}", nameof(endpoint));
            }

            host = authority[1..close];
            var rest = authority[(close + 1)..];
            if (rest.Length > 0)
            {
                portText = rest.StartsWith(':') ? rest[1..] : throw new ArgumentException($"bad tcp endpoint: {endpoint}", nameof(endpoint));
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? null : authority[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw new ArgumentException($"a tcp endpoint needs a host: {endpoint}", nameof(endpoint));
        }

        if (portText is null)
        {
            return (host, defaultPort);
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"bad port in {endpoint}", nameof(endpoint));
        }

        return (host, port);
    }
}
