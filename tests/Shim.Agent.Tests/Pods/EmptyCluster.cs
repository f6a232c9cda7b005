using Shim.Agent.Pods;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Pods;

/// <summary>A cluster without Secrets, ConfigMaps or Services.</summary>
internal sealed class EmptyCluster : IClusterReader
{
    public Task<Secret?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) => Task.FromResult<Secret?>(null);

    public Task<ConfigMap?> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken) => Task.FromResult<ConfigMap?>(null);

    public IReadOnlyCollection<Service> Services() => [];
}
