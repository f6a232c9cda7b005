using Shim.Agent.Services;
using Shim.Agent.Tests.Inputs;
using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;

namespace Shim.Agent.Tests.Proxy;

/// <summary>An in-memory service catalog; objects are written as YAML and replaced by name to simulate updates.</summary>
internal sealed class TestCatalog : IServiceCatalog
{
    private readonly Dictionary<string, Service> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointSlice> _slices = new(StringComparer.Ordinal);

    public TestCatalog Service(string yaml)
    {
        var service = Manifest.Parse<Service>(yaml);
        _services[$"{service.Metadata!.Namespace}/{service.Metadata.Name}"] = service;
        return this;
    }

    public TestCatalog Slice(string yaml)
    {
        var slice = Manifest.Parse<EndpointSlice>(yaml);
        _slices[$"{slice.Metadata!.Namespace}/{slice.Metadata.Name}"] = slice;
        return this;
    }

    public TestCatalog RemoveService(string ns, string name)
    {
        _services.Remove($"{ns}/{name}");
        return this;
    }

    public TestCatalog RemoveSlice(string ns, string name)
    {
        _slices.Remove($"{ns}/{name}");
        return this;
    }

    public IReadOnlyCollection<Service> Services() => [.. _services.Values];

    public IReadOnlyCollection<EndpointSlice> EndpointSlices() => [.. _slices.Values];

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
