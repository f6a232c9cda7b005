using Shim.Agent.Services;
using Shim.Agent.Tests.Inputs;
using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;

namespace Shim.Agent.Tests.Services;

/// <summary>An in-memory service catalog (thread-safe); objects are YAML, replaced by namespace/name to simulate updates.</summary>
internal sealed class TestServiceCatalog : IServiceCatalog
{
    private readonly Dictionary<string, Service> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointSlice> _slices = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public TestServiceCatalog Service(string yaml)
    {
        var service = Manifest.Parse<Service>(yaml);
        lock (_lock)
        {
            _services[$"{service.Metadata!.Namespace}/{service.Metadata.Name}"] = service;
        }

        return this;
    }

    public TestServiceCatalog Slice(string yaml)
    {
        var slice = Manifest.Parse<EndpointSlice>(yaml);
        lock (_lock)
        {
            _slices[$"{slice.Metadata!.Namespace}/{slice.Metadata.Name}"] = slice;
        }

        return this;
    }

    public TestServiceCatalog RemoveService(string ns, string name)
    {
        lock (_lock)
        {
            _services.Remove($"{ns}/{name}");
        }

        return this;
    }

    public TestServiceCatalog RemoveSlice(string ns, string name)
    {
        lock (_lock)
        {
            _slices.Remove($"{ns}/{name}");
        }

        return this;
    }

    public IReadOnlyCollection<Service> Services()
    {
        lock (_lock)
        {
            return [.. _services.Values];
        }
    }

    public IReadOnlyCollection<EndpointSlice> EndpointSlices()
    {
        lock (_lock)
        {
            return [.. _slices.Values];
        }
    }


    /// <summary>A slice of service ns/name with ready endpoints ("ip" or "ip@node") on one TCP port.</summary>
    public static string ReadySlice(string ns, string service, string portName, int port, params string[] endpoints)
    {
        static string Endpoint(string endpoint) => endpoint.Split('@') is [var ip, var node]
            ? "{addresses: [" + ip + "], conditions: {ready: true, serving: true, terminating: false}, nodeName: " + node + "}"
            : "{addresses: [" + endpoint + "], conditions: {ready: true, serving: true, terminating: false}}";
        return $$$"""
            metadata: {name: {{{service}}}-abc, namespace: {{{ns}}}, labels: {kubernetes.io/service-name: {{{service}}}}}
            addressType: IPv4
            ports: [{name: "{{{portName}}}", port: {{{port}}}, protocol: TCP}]
            endpoints: [{{{string.Join(", ", endpoints.Select(Endpoint))}}}]
            """;
    }
}
