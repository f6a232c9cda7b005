using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;

namespace Shim.Agent.Services;

/// <summary>The agent's cluster-wide caches of Services and EndpointSlices, telling its consumers when either changes.</summary>
public sealed class InformerServiceCatalog : IServiceCatalog
{
    private readonly Informer<Service> _services;
    private readonly Informer<EndpointSlice> _slices;

    public InformerServiceCatalog(KubeClient client, ILoggerFactory loggers)
    {
        _services = new Informer<Service>(client, loggers.CreateLogger("informer.services"));
        _slices = new Informer<EndpointSlice>(client, loggers.CreateLogger("informer.endpointslices"));
    }

    /// <summary>Completes once both caches hold their first list.</summary>
    public Task Synced => Task.WhenAll(_services.Synced, _slices.Synced);

    public IReadOnlyCollection<Service> Services() => _services.List();

    public IReadOnlyCollection<EndpointSlice> EndpointSlices() => _slices.List();

    /// <summary>Calls <paramref name="handler"/> after every change (and every relist) of either cache.</summary>
    public void OnChange(Action handler)
    {
        _services.OnChange(_ => handler());
        _services.OnListed(_ => handler());
        _slices.OnChange(_ => handler());
        _slices.OnListed(_ => handler());
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_services.RunAsync(cancellationToken), _slices.RunAsync(cancellationToken));
}
