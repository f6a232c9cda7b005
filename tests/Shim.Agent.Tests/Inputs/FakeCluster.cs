using Shim.Agent.Pods;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Inputs;

/// <summary>An in-memory cluster: ConfigMaps and Secrets by namespace/name, and Services; a test replaces one to simulate an update.</summary>
internal sealed class FakeCluster : IClusterReader
{
    private readonly Dictionary<(string Namespace, string Name), ConfigMap> _configMaps = [];
    private readonly Dictionary<(string Namespace, string Name), Secret> _secrets = [];
    private readonly List<Service> _services = [];

    public FakeCluster Add(ConfigMap configMap)
    {
        _configMaps[(configMap.Metadata?.Namespace ?? "default", configMap.Metadata!.Name!)] = configMap;
        return this;
    }

    public FakeCluster Add(Secret secret)
    {
        _secrets[(secret.Metadata?.Namespace ?? "default", secret.Metadata!.Name!)] = secret;
        return this;
    }

    public FakeCluster AddService(string yaml)
    {
        _services.Add(Manifest.Parse<Service>(yaml));
        return this;
    }

    public FakeCluster AddConfigMap(string yaml) => Add(Manifest.Parse<ConfigMap>(yaml));

    public FakeCluster AddSecret(string yaml) => Add(Manifest.Parse<Secret>(yaml));

    public Task<Secret?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(_secrets.GetValueOrDefault((@namespace, name)));

    public Task<ConfigMap?> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(_configMaps.GetValueOrDefault((@namespace, name)));

    public IReadOnlyCollection<Service> Services() => _services;
}
