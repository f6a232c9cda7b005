using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>What running a pod needs to read from the cluster (the agent implements it over the API client).</summary>
public interface IClusterReader
{
    /// <summary>The Secret, or null when it does not exist.</summary>
    Task<Secret?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>The ConfigMap, or null when it does not exist.</summary>
    Task<ConfigMap?> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Every Service of the cluster, for the containers' service environment variables.</summary>
    IReadOnlyCollection<Service> Services();
}
