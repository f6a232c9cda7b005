using Shim.Agent.Proxy;
using Shim.Agent.Services;
using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;
using Shim.Model.Meta.V1;

namespace Shim.ProxyBench;

/// <summary>N ClusterIP services (one TCP port each) with two ready endpoints each, one slice per service.</summary>
internal sealed class BenchCatalog : IServiceCatalog
{
    private readonly Service[] _services;
    private readonly EndpointSlice[] _slices;
    private int _moves;

    public BenchCatalog(int count)
    {
        _services = new Service[count];
        _slices = new EndpointSlice[count];
        for (var i = 0; i < count; i++)
        {
            _services[i] = new Service
            {
                Metadata = new ObjectMeta { Name = $"svc-{i}", Namespace = "bench" },
                Spec = new ServiceSpec
                {
                    ClusterIP = $"10.{96 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}",
                    Ports = [new ServicePort { Name = "http", Port = 80, Protocol = "TCP", TargetPort = 8080 }],
                },
            };
            _slices[i] = Slice(i, Address(2 * i), Address((2 * i) + 1));
        }
    }

    public IReadOnlyCollection<Service> Services() => _services;

    public IReadOnlyCollection<EndpointSlice> EndpointSlices() => _slices;

    /// <summary>Replaces the first endpoint of service <paramref name="index"/> by a new address (a pod replaced).</summary>
    public void ReplaceEndpoint(int index)
    {
        var moved = $"10.250.{(_moves >> 8) & 255}.{_moves & 255}";
        _moves++;
        _slices[index] = Slice(index, moved, _slices[index].Endpoints![1].Addresses![0]);
    }

    private static string Address(int n) => $"10.{128 + (n >> 16)}.{(n >> 8) & 255}.{n & 255}";

    private static EndpointSlice Slice(int service, params string[] addresses) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = $"svc-{service}-x1",
            Namespace = "bench",
            Labels = new Dictionary<string, string> { [ServiceEndpointIndex.ServiceNameLabel] = $"svc-{service}" },
        },
        AddressType = "IPv4",
        Ports = [new Shim.Model.Discovery.V1.EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
        Endpoints = [.. addresses.Select(a => new Endpoint { Addresses = [a], Conditions = new EndpointConditions { Ready = true, Serving = true, Terminating = false } })],
    };
}
