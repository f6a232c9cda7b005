using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Shim.Client;
using Shim.Controllers.Endpoints;
using Shim.Controllers.EndpointSlices;
using Shim.Controllers.Runtime;
using Shim.Controllers.ServiceLoadBalancer;
using Shim.Controllers.Tests.Support;
using Shim.Model;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Collector = Shim.Controllers.GarbageCollector.GarbageCollector;
using EndpointSliceKind = Shim.Model.Discovery.V1.EndpointSlice;
using EndpointsKind = Shim.Model.Core.V1.Endpoints;

namespace Shim.Controllers.Tests.Services;

/// <summary>
/// A real API server with the Endpoints, EndpointSlice and ServiceLoadBalancer controllers (and optionally the garbage
/// collector) running against it. No agent runs: the test plays the kubelet (pod IPs and readiness) and the nodes.
/// </summary>
public sealed class ServiceCluster : IAsyncDisposable
{
    public const string Namespace = "default";
    public const string NodeName = "node-a";
    public const string Zone = "zone-1";

    private readonly ApiServer _api;
    private readonly EventRecorder _events;
    private readonly Collector? _collector;
    private readonly CancellationTokenSource _stop;
    private readonly Task _running;

    private ServiceCluster(ApiServer api, EventRecorder events, Collector? collector, CancellationTokenSource stop, Task running)
    {
        _api = api;
        _events = events;
        _collector = collector;
        _stop = stop;
        _running = running;
    }

    public KubeClient Client => _api.Client;

    /// <summary>Starts the controllers; node-a (zone-1, Ready, 10.0.0.1) exists from the start, as pods need a known node.</summary>
    public static async Task<ServiceCluster> StartAsync(bool garbageCollector = false)
    {
        var time = TimeProvider.System;
        var api = await ApiServer.StartAsync();
        var informers = new SharedInformers(api.Client, ApiServer.Loggers);
        var events = new EventRecorder(api.Client, "kube-controller-manager", "test", time, NullLogger<EventRecorder>.Instance);
        var endpoints = new EndpointsController(api.Client, informers, events, time, ApiServer.Loggers);
        var slices = new EndpointSliceController(api.Client, informers, events, time, ApiServer.Loggers);
        var loadBalancers = new ServiceLoadBalancerController(api.Client, informers, events, time, ApiServer.Loggers);
        var collector = garbageCollector ? new Collector(api.Client, time, ApiServer.Loggers) : null;
        var stop = new CancellationTokenSource();
        var running = Task.WhenAll(
            informers.RunAsync(stop.Token), endpoints.RunAsync(stop.Token), slices.RunAsync(stop.Token), loadBalancers.RunAsync(stop.Token),
            collector?.RunAsync(stop.Token) ?? Task.CompletedTask);
        var cluster = new ServiceCluster(api, events, collector, stop, running);
        await cluster.CreateNodeAsync(NodeName, "10.0.0.1", Zone);
        return cluster;
    }

    public static Service SelectorService(string name, string app, IntOrString? targetPort = null, bool publishNotReady = false, string portName = "http") => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = new() { ["team"] = "blue" } },
        Spec = new ServiceSpec
        {
            Selector = new() { ["app"] = app },
            Ports = [new ServicePort { Name = portName, Port = 80, Protocol = "TCP", TargetPort = targetPort ?? 8080 }],
            PublishNotReadyAddresses = publishNotReady ? true : null,
        },
    };

    public Task<Service> CreateServiceAsync(Service service) =>
        Client.CreateAsync(ResourcePath.For<Service>(Namespace), service, CancellationToken.None);

    public Task<Service?> ServiceAsync(string name) =>
        Client.GetAsync<Service>(ResourcePath.For<Service>(Namespace, name), CancellationToken.None);

    /// <summary>A pod on <paramref name="node"/> with the given container ports; with an IP it is reported Running (ready or not).</summary>
    public async Task<Pod> CreatePodAsync(string name, string app, string? ip, bool ready = true, string node = NodeName,
        (string Name, int Port)[]? ports = null, string? hostname = null, string? subdomain = null)
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = name, Labels = new() { ["app"] = app } },
            Spec = new PodSpec
            {
                NodeName = node,
                Hostname = hostname,
                Subdomain = subdomain,
                Containers = [new Container
                {
                    Name = "app",
                    Image = "busybox:1",
                    Ports = ports?.Select(p => new ContainerPort { Name = p.Name, ContainerPortValue = p.Port, Protocol = "TCP" }).ToList(),
                }],
            },
        };
        var created = await Client.CreateAsync(ResourcePath.For<Pod>(Namespace), pod, CancellationToken.None);
        return ip is null ? created : await ReportAsync(name, ip, ready);
    }

    /// <summary>Plays the kubelet: the pod runs with <paramref name="ip"/>; its Ready condition flips (and its transition time with it).</summary>
    public Task<Pod> ReportAsync(string name, string ip, bool ready)
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var flag = ready ? "True" : "False";
        var patch = $$$"""
            {"status":{"phase":"Running","podIP":"{{{ip}}}","podIPs":[{"ip":"{{{ip}}}"}],
              "conditions":[{"type":"Ready","status":"{{{flag}}}","lastTransitionTime":"{{{now}}}"}]}}
            """;
        return Client.PatchAsync<Pod>(ResourcePath.For<Pod>(Namespace, name, "status"), KubeClient.MergePatch, patch, CancellationToken.None);
    }

    public Task<bool> DeletePodAsync(string name) =>
        Client.DeleteAsync(ResourcePath.For<Pod>(Namespace, name), null, CancellationToken.None);

    public async Task CreateNodeAsync(string name, string internalIp, string? zone = null, bool ready = true)
    {
        var labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name };
        if (zone is not null)
        {
            labels["topology.kubernetes.io/zone"] = zone;
        }

        await Client.CreateAsync(ResourcePath.For<Node>(), new Node { Metadata = new ObjectMeta { Name = name, Labels = labels } }, CancellationToken.None);
        await SetNodeStatusAsync(name, internalIp, ready);
    }

    public Task<Node> SetNodeStatusAsync(string name, string internalIp, bool ready)
    {
        var flag = ready ? "True" : "False";
        var patch = $$$"""
            {"status":{"addresses":[{"type":"InternalIP","address":"{{{internalIp}}}"},{"type":"Hostname","address":"{{{name}}}"}],
              "conditions":[{"type":"Ready","status":"{{{flag}}}","reason":"Test"}]}}
            """;
        return Client.PatchAsync<Node>(ResourcePath.For<Node>(null, name, "status"), KubeClient.MergePatch, patch, CancellationToken.None);
    }

    public Task<Node> PatchNodeAsync(string name, string patch) =>
        Client.PatchAsync<Node>(ResourcePath.For<Node>(null, name), KubeClient.MergePatch, patch, CancellationToken.None);

    public Task<EndpointsKind?> EndpointsAsync(string name) =>
        Client.GetAsync<EndpointsKind>(ResourcePath.For<EndpointsKind>(Namespace, name), CancellationToken.None);

    /// <summary>The slices labelled with the service's name (by anyone), by name.</summary>
    public async Task<List<EndpointSliceKind>> SlicesAsync(string serviceName)
    {
        var list = await Client.ListAsync<EndpointSliceKind>(ResourcePath.For<EndpointSliceKind>(Namespace), new ListQuery("kubernetes.io/service-name=" + serviceName), CancellationToken.None);
        return [.. list.Items.OrderBy(s => s.Metadata!.Name, StringComparer.Ordinal)];
    }

    /// <summary>The slices the controller manages for the service.</summary>
    public async Task<List<EndpointSliceKind>> ManagedSlicesAsync(string serviceName) =>
        [.. (await SlicesAsync(serviceName)).Where(s => s.Metadata!.Labels!.GetValueOrDefault("endpointslice.kubernetes.io/managed-by") == EndpointSliceController.ControllerName)];

    public async Task<List<Event>> EventsAsync(string involvedName)
    {
        var list = await Client.ListAsync<Event>(ResourcePath.For<Event>(Namespace), ListQuery.All, CancellationToken.None);
        return [.. list.Items.Where(e => e.InvolvedObject?.Name == involvedName)];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopped before the informers synced.
        }

        _collector?.Dispose();
        await _events.DisposeAsync();
        await _api.DisposeAsync();
        _stop.Dispose();
    }
}
