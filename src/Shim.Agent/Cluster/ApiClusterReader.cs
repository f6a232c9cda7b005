using Shim.Agent.Pods;
using Shim.Agent.Services;
using Shim.Client;
using Shim.Model.Core.V1;

namespace Shim.Agent.Cluster;

/// <summary>
/// Reads Secrets and ConfigMaps straight from the API server (always current, as volumes need); Services from the
/// agent's informer cache.
/// </summary>
public sealed class ApiClusterReader(KubeClient client, IServiceCatalog services) : IClusterReader
{
    public Task<Secret?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        client.GetAsync<Secret>(ResourcePath.For<Secret>(@namespace, name), cancellationToken);

    public Task<ConfigMap?> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        client.GetAsync<ConfigMap>(ResourcePath.For<ConfigMap>(@namespace, name), cancellationToken);

    public IReadOnlyCollection<Service> Services() => services.Services();
}
